#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace prerender::util {

// A file's whole contents. Throws std::runtime_error naming the path and the reason.
std::string read_file(const std::filesystem::path& path);

// The contents of `path`, opened with O_NOFOLLOW: nullopt when nothing is there. Throws
// std::runtime_error naming the path when it is a link ("is a symbolic link"), not a regular file, or
// cannot be read.
std::optional<std::string> read_regular_file(const std::filesystem::path& path);
// The descriptor read_regular_file() reads from (the caller closes it), -1 when there is no file; throws
// as it does.
int open_regular_file(const std::filesystem::path& path);

// Everything from the descriptor's start (pread, the file offset untouched). Throws std::runtime_error
// naming `shown`.
std::string read_descriptor(int fd, const std::filesystem::path& shown);

// Standard base64 (RFC 4648, with padding), e.g. for data: URIs.
std::string base64(std::string_view bytes);

// A folder of its own under the system's temporary folder ($TMPDIR or /tmp), removed with everything in
// it when the object goes. Throws std::runtime_error when it cannot be created.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&& other) noexcept : m_path(std::move(other.m_path)) { other.m_path.clear(); }
  TempDir& operator=(TempDir&&) = delete;

  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

}  // namespace prerender::util
