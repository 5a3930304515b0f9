#pragma once

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace prerender::output {

// An open file or folder descriptor, closed when it goes.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : m_fd(fd) {}
  ~UniqueFd();
  UniqueFd(UniqueFd&& other) noexcept : m_fd(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return m_fd; }
  explicit operator bool() const { return m_fd >= 0; }
  int release() {
    const int fd = m_fd;
    m_fd = -1;
    return fd;
  }

 private:
  int m_fd = -1;
};

// The refusal every writer gives for a link on its way: "'<path>' is a symbolic link: prerender never
// writes through links".
std::string link_refusal(const std::filesystem::path& path);

// Opens `name` in the folder `dir` for writing without following a link (O_NOFOLLOW, O_CLOEXEC, created
// 0644 when missing, `flags` added: O_APPEND, O_TRUNC...) and checks that it is a regular file. `shown`
// names it in errors. Throws std::runtime_error: link_refusal() for a link, "is not a regular file" for
// anything else.
UniqueFd open_regular_file(int dir, const std::string& name, int flags, const std::filesystem::path& shown);

// A file the user names (--log-file) opened for appending, created 0644 when missing: the folder is the
// user's choice, the file itself must not be a link (O_NOFOLLOW) and must be a regular file. Throws
// std::runtime_error naming the path.
std::FILE* open_for_appending(const std::filesystem::path& path);

// Writes `bytes` as `name` in the folder `dir`: a temporary ".prerender-tmp-*" created beside it with
// O_EXCL|O_NOFOLLOW, flushed (fsync), renamed over the name (renameat). Refuses when `name` is a link.
// Throws std::runtime_error naming `shown`; the temporary is removed on failure.
void write_in(int dir, const std::string& name, std::string_view bytes, const std::filesystem::path& shown);

// The same with the bytes produced piece by piece: `produce` calls the function it is given with each
// piece, in order. When `produce` throws, the temporary is removed and the name keeps what it held.
using Producer = std::function<void(const std::function<void(std::string_view)>& write)>;
void write_in_streamed(int dir, const std::string& name, const Producer& produce, const std::filesystem::path& shown);

// An output root: opened once (links in its own path are followed, that path is the user's choice) and
// held by its descriptor. Everything below it is reached relative to that descriptor, folder by folder,
// with O_NOFOLLOW: a link below the root is refused, never followed. While it lives, write_atomically() of
// a path under it goes through it.
class OutputRoot {
 public:
  // Creates the folder when missing. Throws std::runtime_error when it cannot be created or opened.
  explicit OutputRoot(std::filesystem::path path);
  ~OutputRoot();
  OutputRoot(const OutputRoot&) = delete;
  OutputRoot& operator=(const OutputRoot&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  int fd() const { return m_fd.get(); }

  // The folder `relative` (a '/'-separated path under the root; empty or "." for the root itself), missing
  // folders created when `create` is Create::yes. Throws std::runtime_error: link_refusal() for a link on
  // the way, "is not a folder", or the system's reason.
  enum class Create { no, yes };
  UniqueFd open_folder(const std::filesystem::path& relative, Create create) const;

  // Writes the file `relative` atomically (write_in() in its folder, created when missing).
  void write(const std::filesystem::path& relative, std::string_view bytes) const;
  // The same, streamed (write_in_streamed()).
  void write_streamed(const std::filesystem::path& relative, const Producer& produce) const;

  // Removes the file `relative` (a link there is removed itself, never followed); nothing when it is missing.
  // Throws std::runtime_error naming it when it cannot be removed.
  void remove_file(const std::filesystem::path& relative) const;

  // Removes the folder `relative` when it is empty; returns whether it did.
  bool remove_empty_folder(const std::filesystem::path& relative) const;

  // Removes the temporaries that is_stale_temporary() calls stale from the folder `relative`, when it
  // exists; a link is neither followed nor removed. Returns how many were removed.
  std::size_t remove_stale_temporaries(const std::filesystem::path& relative) const;

  // The root that holds `path` (lexically: the root's path is a prefix of it), with the rest of the path in
  // `relative`; nullptr when none is open.
  static const OutputRoot* holding(const std::filesystem::path& path, std::filesystem::path& relative);

 private:
  std::filesystem::path m_path;
  UniqueFd m_fd;
};

}  // namespace prerender::output
