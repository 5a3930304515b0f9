#include "util/readable.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace prerender::util {

std::string unreadable_file_reason(const std::filesystem::path& path) {
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (ec == std::errc::permission_denied) return "permission denied on a folder of its path";
  if (!std::filesystem::exists(status)) return "it does not exist";
  if (std::filesystem::is_directory(status)) return "it is a folder, not a file";
  if (!std::filesystem::is_regular_file(status)) return "it is not a regular file";
  if (::access(path.c_str(), R_OK) != 0) {
    if (errno == EACCES || errno == EPERM) return "permission denied";
    return std::strerror(errno);
  }
  return "";
}

}  // namespace prerender::util
