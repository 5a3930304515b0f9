#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manifest/diagnostics.hpp"
#include "manifest/yaml_tree.hpp"

namespace prerender::manifest {
namespace {

[[noreturn]] void fail(const std::string& file, std::string message) {
  throw ManifestError({Diagnostic{file, {}, std::move(message)}});
}

}  // namespace

YamlNodePtr load_yaml_file(const std::string& path, const YamlLimits& limits) {
  // O_NONBLOCK: opening a FIFO without a writer must not hang; what is not a regular file is refused
  // before any read (a folder, a pipe such as /dev/stdin, a device).
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    if (error == EACCES || error == EPERM) fail(path, "cannot read the file: permission denied");
    if (error == ENOENT) fail(path, "the file does not exist");
    fail(path, fmt::format("cannot read the file: {}", std::strerror(error)));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) fail(path, fmt::format("cannot read the file: {}", std::strerror(errno)));
  if (S_ISDIR(info.st_mode)) fail(path, "is a folder, not a manifest file");
  if (!S_ISREG(info.st_mode))
    fail(path,
         fmt::format("is {}, not a regular file; save the manifest to a file", S_ISFIFO(info.st_mode)   ? "a pipe"
                                                                               : S_ISSOCK(info.st_mode) ? "a socket"
                                                                                                        : "a device"));
  const auto size = static_cast<std::uint64_t>(info.st_size);
  if (size > limits.max_bytes)
    fail(path, fmt::format("the file is {} bytes; a manifest may have at most {}", size, limits.max_bytes));
  std::string text(size, '\0');
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, text.data() + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(path, fmt::format("cannot read the file: {}", std::strerror(errno)));
    if (n == 0) break;  // shrank while read
    done += static_cast<std::size_t>(n);
  }
  text.resize(done);
  return parse_yaml(text, path, limits);
}

}  // namespace prerender::manifest
