#pragma once

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "output/object_sink.hpp"

namespace prerender::net {

struct S3Config {
  std::string bucket, prefix;  // prefix: "" or ending in '/'
  std::string endpoint;        // "http(s)://host[:port]", no trailing '/'
  std::string region = "us-east-1";
  bool path_style = true;  // https://endpoint/bucket/key; false: https://bucket.endpoint-host/key
  std::string access_key, secret_key, session_token;
  int attempts = 4;                     // per request, for 5xx, 429 and connection errors
  double first_backoff_seconds = 0.25;  // doubled after each attempt
  double timeout_seconds = 60;          // per attempt
};

// The configuration from what the manifest gave (empty: not given) and the usual environment:
// AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, AWS_REGION or AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN. Without an endpoint, AWS's own for the region (virtual-host
// style). Throws std::runtime_error when the credentials are missing.
S3Config s3_config(const std::string& bucket, const std::string& prefix, const std::string& endpoint,
                   const std::string& region, std::optional<bool> path_style);

// An S3-compatible store over libcurl, each request signed with SigV4 (CURLOPT_AWS_SIGV4) and carrying
// x-amz-content-sha256. A request that meets a 5xx, a 429 or a connection error is repeated after a
// backoff, up to `attempts` times; a 403 or a signature error is not (and marks the store refused).
// Thread-safe: transfers use a pool of kept-alive handles.
class S3Store final : public output::ObjectSink {
 public:
  explicit S3Store(S3Config config);
  ~S3Store() override;
  S3Store(const S3Store&) = delete;
  S3Store& operator=(const S3Store&) = delete;

  void put(const std::string& key, std::string_view bytes, const output::ObjectHeaders& headers) override;
  void put_file(const std::string& key, const std::filesystem::path& file,
                const output::ObjectHeaders& headers) override;
  std::string stored_hash(const std::string& key) override;
  std::optional<std::string> get(const std::string& key) override;
  std::vector<std::string> list(const std::string& prefix) override;
  std::string describe(const std::string& key) const override;
  output::StoreCounts counts() const override;
  void count_unchanged() override { ++m_unchanged; }
  bool refused() const override { return m_refused.load(); }

  struct Reply {
    long status = 0;
    std::string error;  // libcurl's reason when there was no HTTP reply
    std::string body;
    std::map<std::string, std::string> headers;  // names lowercased
  };
  // A request's body: `bytes`, or `size` bytes read from the descriptor `fd` from offset 0 (each attempt
  // reads it again); `sha256` of it, hex.
  struct Payload {
    std::string_view bytes;
    int fd = -1;
    std::uint64_t size = 0;
    std::string sha256;
  };

 private:
  Reply send(const std::string& method, const std::string& url, const Payload& body,
             const output::ObjectHeaders& headers);
  Reply attempt(const std::string& method, const std::string& url, const Payload& body,
                const output::ObjectHeaders& headers);
  std::string object_url(const std::string& key) const;
  std::string bucket_url() const;
  [[noreturn]] void fail(const std::string& what, const std::string& key, const Reply& reply);

  S3Config m_config;
  std::mutex m_mutex;
  std::vector<void*> m_idle;  // CURL easy handles
  std::atomic<std::uint64_t> m_puts{0}, m_put_bytes{0}, m_heads{0}, m_unchanged{0}, m_retries{0};
  std::atomic<bool> m_refused{false};
};

}  // namespace prerender::net
