#include "output/root.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <mutex>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "output/atomic_write.hpp"

namespace prerender::output {
namespace fs = std::filesystem;

UniqueFd::~UniqueFd() {
  if (m_fd >= 0) ::close(m_fd);
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = other.release();
  }
  return *this;
}

std::string link_refusal(const fs::path& path) {
  return fmt::format("'{}' is a symbolic link: prerender never writes through links", path.string());
}

namespace {

// What is at `name` in `dir` when opening it failed with `error`: a link, something else, or the reason.
std::string open_failure(int dir, const std::string& name, int error, const fs::path& shown, const char* expected) {
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode)) return link_refusal(shown);
    if (error == ENOTDIR || error == ELOOP || error == ENXIO)
      return fmt::format("'{}' is not {}", shown.string(), expected);
  }
  return fmt::format("cannot open '{}': {}", shown.string(), std::strerror(error));
}

// The roots open in this process, so that write_atomically() of a full path under one goes through its
// descriptor. Guarded by its mutex: renditions are written from several threads.
struct OpenRoots {
  std::mutex mutex;
  std::vector<const OutputRoot*> roots;
};

OpenRoots& open_roots() {
  static OpenRoots roots;
  return roots;
}

// `path` without "." segments and trailing separators, so that "public/" and "public" compare equal.
fs::path comparable(const fs::path& path) {
  fs::path out = path.lexically_normal();
  while (!out.has_filename() && out.has_relative_path()) out = out.parent_path();
  return out;
}

}  // namespace

UniqueFd open_regular_file(int dir, const std::string& name, int flags, const fs::path& shown) {
  UniqueFd fd(::openat(dir, name.c_str(), flags | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0644));
  if (!fd) throw std::runtime_error(open_failure(dir, name, errno, shown, "a regular file"));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    throw std::runtime_error(fmt::format("'{}' is not a regular file", shown.string()));
  // O_NONBLOCK only kept a FIFO from blocking the open; a regular file ignores it, but clear it anyway.
  ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
  return fd;
}

std::FILE* open_for_appending(const fs::path& path) {
  const fs::path folder = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  const UniqueFd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) throw std::runtime_error(fmt::format("cannot open folder '{}': {}", folder.string(), std::strerror(errno)));
  UniqueFd fd = open_regular_file(dir.get(), path.filename().string(), O_WRONLY | O_APPEND, path);
  std::FILE* file = ::fdopen(fd.get(), "a");
  if (!file) throw std::runtime_error(fmt::format("cannot open '{}': {}", path.string(), std::strerror(errno)));
  fd.release();
  return file;
}

OutputRoot::OutputRoot(fs::path path) : m_path(std::move(path)) {
  std::error_code ec;
  fs::create_directories(m_path, ec);
  if (ec)
    throw std::runtime_error(fmt::format("cannot create the output root '{}': {}", m_path.string(), ec.message()));
  m_fd = UniqueFd(::open(m_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!m_fd)
    throw std::runtime_error(
        fmt::format("cannot open the output root '{}': {}", m_path.string(), std::strerror(errno)));
  OpenRoots& open = open_roots();
  const std::lock_guard<std::mutex> lock(open.mutex);
  open.roots.push_back(this);
}

OutputRoot::~OutputRoot() {
  OpenRoots& open = open_roots();
  const std::lock_guard<std::mutex> lock(open.mutex);
  open.roots.erase(std::remove(open.roots.begin(), open.roots.end(), this), open.roots.end());
}

const OutputRoot* OutputRoot::holding(const fs::path& path, fs::path& relative) {
  const fs::path wanted = comparable(path);
  OpenRoots& open = open_roots();
  const std::lock_guard<std::mutex> lock(open.mutex);
  const OutputRoot* best = nullptr;
  std::size_t best_depth = 0;
  for (const OutputRoot* root : open.roots) {
    const fs::path base = comparable(root->m_path);
    const fs::path rest = wanted.lexically_relative(base);
    if (rest.empty() || *rest.begin() == ".." || rest == ".") continue;
    const auto depth = static_cast<std::size_t>(std::distance(base.begin(), base.end()));
    if (!best || depth > best_depth) {
      best = root;
      best_depth = depth;
      relative = rest;
    }
  }
  return best;
}

UniqueFd OutputRoot::open_folder(const fs::path& relative, Create create) const {
  UniqueFd dir(::dup(m_fd.get()));
  if (!dir)
    throw std::runtime_error(
        fmt::format("cannot open the output root '{}': {}", m_path.string(), std::strerror(errno)));
  fs::path shown = m_path;
  for (const fs::path& part : relative) {
    const std::string name = part.string();
    if (name.empty() || name == ".") continue;
    if (name == ".." || part.has_root_path())
      throw std::runtime_error(fmt::format("'{}' is outside the output root '{}'", relative.string(), m_path.string()));
    shown /= part;
    int fd = ::openat(dir.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create == Create::yes) {
      if (::mkdirat(dir.get(), name.c_str(), 0755) != 0 && errno != EEXIST)
        throw std::runtime_error(fmt::format("cannot create folder '{}': {}", shown.string(), std::strerror(errno)));
      fd = ::openat(dir.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0) throw std::runtime_error(open_failure(dir.get(), name, errno, shown, "a folder"));
    dir = UniqueFd(fd);
  }
  return dir;
}

void OutputRoot::write(const fs::path& relative, std::string_view bytes) const {
  const fs::path shown = m_path / relative;
  if (!relative.has_filename())
    throw std::runtime_error(fmt::format("cannot write '{}': not a file name", shown.string()));
  const UniqueFd dir = open_folder(relative.parent_path(), Create::yes);
  write_in(dir.get(), relative.filename().string(), bytes, shown);
}

void OutputRoot::write_streamed(const fs::path& relative, const Producer& produce) const {
  const fs::path shown = m_path / relative;
  if (!relative.has_filename())
    throw std::runtime_error(fmt::format("cannot write '{}': not a file name", shown.string()));
  const UniqueFd dir = open_folder(relative.parent_path(), Create::yes);
  write_in_streamed(dir.get(), relative.filename().string(), produce, shown);
}

void OutputRoot::remove_file(const fs::path& relative) const {
  const UniqueFd dir = open_folder(relative.parent_path(), Create::no);
  if (::unlinkat(dir.get(), relative.filename().c_str(), 0) != 0 && errno != ENOENT)
    throw std::runtime_error(fmt::format("cannot remove '{}': {}", (m_path / relative).string(), std::strerror(errno)));
}

bool OutputRoot::remove_empty_folder(const fs::path& relative) const {
  if (!relative.has_filename()) return false;
  try {
    const UniqueFd dir = open_folder(relative.parent_path(), Create::no);
    return ::unlinkat(dir.get(), relative.filename().c_str(), AT_REMOVEDIR) == 0;
  } catch (const std::exception&) {
    return false;
  }
}

std::size_t OutputRoot::remove_stale_temporaries(const fs::path& relative) const {
  UniqueFd dir;
  try {
    dir = open_folder(relative, Create::no);
  } catch (const std::exception&) {
    return 0;  // missing (nothing to clean), or a link: not ours to walk
  }
  const int listing = ::dup(dir.get());
  if (listing < 0) return 0;
  DIR* entries = ::fdopendir(listing);
  if (!entries) {
    ::close(listing);
    return 0;
  }
  std::vector<std::string> stale;
  while (const dirent* entry = ::readdir(entries))
    if (is_stale_temporary(dir.get(), entry->d_name)) stale.emplace_back(entry->d_name);
  ::closedir(entries);
  std::size_t removed = 0;
  for (const std::string& name : stale) removed += ::unlinkat(dir.get(), name.c_str(), 0) == 0 ? 1 : 0;
  return removed;
}

}  // namespace prerender::output
