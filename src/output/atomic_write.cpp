#include "output/atomic_write.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace prerender::output {

namespace {

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "host";
  std::string out(name);
  for (char& c : out)
    if (c == '-' || c == '/') c = '_';
  return out;
}

}  // namespace

bool is_stale_temporary(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  if (name.rfind(k_temp_prefix, 0) != 0) return false;
  const std::string rest = name.substr(k_temp_prefix.size());
  const auto dash1 = rest.find('-');
  const auto dash2 = dash1 == std::string::npos ? std::string::npos : rest.find('-', dash1 + 1);
  std::error_code ec;
  const auto age = std::filesystem::file_time_type::clock::now() - std::filesystem::last_write_time(path, ec);
  const bool old = !ec && age > std::chrono::hours(1);
  if (dash2 == std::string::npos) return old;  // not our naming: only when old
  const std::string host = rest.substr(0, dash1);
  const std::string pid_text = rest.substr(dash1 + 1, dash2 - dash1 - 1);
  if (host != host_name()) return old;
  try {
    const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
    return ::kill(pid, 0) != 0 && errno == ESRCH;
  } catch (const std::exception&) {
    return old;
  }
}

void write_atomically(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path folder = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create folder '{}': {}", folder.string(), ec.message()));
  static const std::string k_owner = host_name() + "-" + std::to_string(::getpid()) + "-";
  std::string temp = (folder / (std::string(k_temp_prefix) + k_owner + path.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);  // not inherited by a decoder process spawned meanwhile
  if (fd < 0) throw std::runtime_error(fmt::format("cannot write in '{}': {}", folder.string(), std::strerror(errno)));
  auto fail = [&](const char* what) {
    const int saved = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    throw std::runtime_error(fmt::format("cannot {} '{}': {}", what, path.string(), std::strerror(saved)));
  };
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("write");
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0) fail("set permissions of");
  if (::fsync(fd) != 0) fail("flush");
  if (::close(fd) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    throw std::runtime_error(fmt::format("cannot write '{}': {}", path.string(), std::strerror(saved)));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    throw std::runtime_error(fmt::format("cannot rename into '{}': {}", path.string(), std::strerror(saved)));
  }
}

}  // namespace prerender::output
