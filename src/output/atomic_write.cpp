#include "output/atomic_write.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace prerender::output {

void write_atomically(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path folder = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create folder '{}': {}", folder.string(), ec.message()));
  std::string temp = (folder / (std::string(k_temp_prefix) + path.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());
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
