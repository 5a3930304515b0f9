#include "output/lock.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <stdexcept>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

#include "util/error.hpp"

namespace prerender::output {

std::string lock_name(const std::string& journal_name) {
  const std::string stem = journal_name.substr(0, journal_name.rfind('.'));
  const std::string shard = stem.rfind("renditions", 0) == 0 ? stem.substr(std::string("renditions").size()) : "";
  return ".prerender" + shard + ".lock";
}

namespace {

std::string holder_of(int fd) {
  char text[32] = {};
  const ssize_t n = ::pread(fd, text, sizeof(text) - 1, 0);
  std::string pid(text, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos ? "unknown pid" : "pid " + pid;
}

}  // namespace

std::optional<RootLock> RootLock::take(const OutputRoot& root, const std::string& name,
                                       std::optional<double> wait_seconds, const std::function<bool()>& stop) {
  const std::filesystem::path shown = root.path() / name;
  UniqueFd fd = open_regular_file(root.fd(), name, O_RDWR, shown);
  const auto start = std::chrono::steady_clock::now();
  while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK)
      throw std::runtime_error(fmt::format("cannot lock '{}': {}", shown.string(), std::strerror(errno)));
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!wait_seconds)
      throw util::RetryableError(
          fmt::format("the output root '{}' is in use by another prerender ({}, lock {}); "
                      "pass --wait to wait for it",
                      root.path().string(), holder_of(fd.get()), shown.string()));
    if (waited >= *wait_seconds)
      throw util::RetryableError(
          fmt::format("the output root '{}' is still in use by another prerender ({}, lock {}) "
                      "after waiting {:.0f} s",
                      root.path().string(), holder_of(fd.get()), shown.string(), waited));
    if (stop && stop()) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // The holder's pid, for the message a second run gives. The lock holds even when this cannot be
  // written (a full disk): the pid is then shown as unknown.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd.get(), 0) == 0 && ::pwrite(fd.get(), pid.data(), pid.size(), 0) < 0)
    (void)::ftruncate(fd.get(), 0);
  return RootLock(std::move(fd));
}

}  // namespace prerender::output
