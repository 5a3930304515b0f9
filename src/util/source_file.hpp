#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace prerender::util {

// Which file a descriptor or a path holds, and in what state: two equal identities are the same inode
// with the same size and modification time.
struct FileIdentity {
  std::uint64_t device = 0, inode = 0, size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
  // "device:inode:size:mtime_ns", and back; parse() throws std::invalid_argument on anything else.
  std::string to_string() const;
  static FileIdentity parse(const std::string& text);
};

// A stop asked for while a file was being read (the run's first SIGINT/SIGTERM).
class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(const std::string& message) : std::runtime_error(message) {}
};

// Limits on one read of a whole file: at most `max_seconds` (0: none), given up at once when `stop`
// holds a non-zero value (a signal number).
struct ReadBounds {
  double max_seconds = 0;
  const std::atomic<int>* stop = nullptr;
};

// A file opened once to be read, by its descriptor only: O_RDONLY|O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC, so
// a final link fails the open (ELOOP) and a FIFO does not block it. What it is (regular file, FIFO,
// device...) is the caller's to check with kind(). Readers use positioned reads (pread), so several may
// read it in turn from any thread.
class SourceFile {
 public:
  // Throws std::system_error with the open's errno when it fails.
  static std::shared_ptr<const SourceFile> open(const std::filesystem::path& path);
  ~SourceFile();
  SourceFile(const SourceFile&) = delete;
  SourceFile& operator=(const SourceFile&) = delete;

  int fd() const { return m_fd; }
  const std::filesystem::path& path() const { return m_path; }
  bool regular() const;
  // "a directory", "a FIFO", "a character device", "a block device", "a socket", "a regular file".
  std::string kind() const;
  // As fstat said at the open.
  const FileIdentity& identity() const { return m_identity; }
  // The descriptor's state now, from fstat.
  FileIdentity identity_now() const;

  // The first `bytes` bytes (fewer in a shorter file).
  std::string head(std::size_t bytes) const;

  // content_hash (util/hash.hpp) of the file's identity().size bytes, read in 1 MiB steps. Throws
  // Interrupted when `bounds.stop` is set; std::runtime_error when reading fails, takes longer than
  // bounds.max_seconds, or the file changed (size, mtime, or fewer bytes than at the open) while it was
  // read: a file that grows or shrinks is never hashed as if whole.
  std::string hash(const ReadBounds& bounds) const;

 private:
  SourceFile(std::filesystem::path path, int fd);
  std::filesystem::path m_path;
  int m_fd = -1;
  unsigned m_mode = 0;
  FileIdentity m_identity;
};

}  // namespace prerender::util
