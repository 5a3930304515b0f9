// Upload throughput of net::S3Store: COUNT objects of SIZE bytes PUT from THREADS threads at once (one
// connection each), then the same keys looked up by hash. Credentials and endpoint from the AWS_*
// environment. Prints one JSON object.
//   prerender_store_bench BUCKET PREFIX COUNT SIZE THREADS
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <string>
#include <thread>
#include <vector>

#include "net/s3_store.hpp"

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s BUCKET PREFIX COUNT SIZE THREADS\n", argv[0]);
    return 2;
  }
  const int count = std::atoi(argv[3]), size = std::atoi(argv[4]), threads = std::atoi(argv[5]);
  prerender::net::S3Store store(prerender::net::s3_config(argv[1], argv[2], "", "", std::nullopt));
  std::string body(static_cast<std::size_t>(size), '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>((i * 2654435761u) >> 13);
  std::atomic<int> next{0}, failed{0};
  const auto run = [&](bool put) {
    const auto start = std::chrono::steady_clock::now();
    next = 0;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&] {
        for (int i; (i = next++) < count;) {
          try {
            const std::string key = fmt::format("bench/{:06d}.bin", i);
            if (put)
              store.put(key, body, {{"Content-Type", "application/octet-stream"}, {"x-amz-meta-content-hash", "h"}});
            else if (store.stored_hash(key) != "h")
              ++failed;
          } catch (const std::exception& e) {
            if (failed++ == 0) std::fprintf(stderr, "%s\n", e.what());
          }
        }
      });
    for (std::thread& t : pool) t.join();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const double put_seconds = run(true), head_seconds = run(false);
  const auto counts = store.counts();
  fmt::print(
      "{{\"objects\": {}, \"object_bytes\": {}, \"connections\": {}, \"put_seconds\": {:.3f}, \"puts_per_second\": "
      "{:.1f}, "
      "\"mib_per_second\": {:.2f}, \"heads_per_second\": {:.1f}, \"retries\": {}, \"failed\": {}}}\n",
      counts.puts, size, threads, put_seconds, counts.puts / put_seconds, counts.put_bytes / put_seconds / (1 << 20),
      count / head_seconds, counts.retries, failed.load());
  return failed == 0 ? 0 : 1;
}
