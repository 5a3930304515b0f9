#include "util/source_file.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <memory>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <vector>
#include <xxhash.h>

namespace prerender::util {
namespace {

FileIdentity identity_of(const struct stat& st) {
  return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
          static_cast<std::uint64_t>(st.st_size),
          static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

}  // namespace

std::string FileIdentity::to_string() const { return fmt::format("{}:{}:{}:{}", device, inode, size, mtime_ns); }

FileIdentity FileIdentity::parse(const std::string& text) {
  FileIdentity out;
  std::size_t used = 0;
  std::size_t at = 0;
  auto field = [&](bool last) {
    const std::size_t end = last ? text.size() : text.find(':', at);
    if (end == std::string::npos || end == at) throw std::invalid_argument("not a file identity: " + text);
    const std::string part = text.substr(at, end - at);
    at = end + 1;
    return part;
  };
  out.device = std::stoull(field(false), &used);
  out.inode = std::stoull(field(false), &used);
  out.size = std::stoull(field(false), &used);
  out.mtime_ns = std::stoll(field(true), &used);
  return out;
}

std::shared_ptr<const SourceFile> SourceFile::open(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), path.string());
  return std::shared_ptr<const SourceFile>(new SourceFile(path, fd));
}

SourceFile::SourceFile(std::filesystem::path path, int fd) : m_path(std::move(path)), m_fd(fd) {
  struct stat st {};
  if (::fstat(m_fd, &st) != 0) {
    const int error = errno;
    ::close(m_fd);
    throw std::system_error(error, std::generic_category(), m_path.string());
  }
  m_mode = st.st_mode;
  m_identity = identity_of(st);
  // O_NONBLOCK only kept a FIFO from blocking the open; a regular file ignores it, but clear it anyway.
  if (S_ISREG(st.st_mode)) ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) & ~O_NONBLOCK);
}

SourceFile::~SourceFile() { ::close(m_fd); }

bool SourceFile::regular() const { return S_ISREG(m_mode); }

std::string SourceFile::kind() const {
  if (S_ISREG(m_mode)) return "a regular file";
  if (S_ISDIR(m_mode)) return "a directory";
  if (S_ISFIFO(m_mode)) return "a FIFO";
  if (S_ISCHR(m_mode)) return "a character device";
  if (S_ISBLK(m_mode)) return "a block device";
  if (S_ISSOCK(m_mode)) return "a socket";
  return "not a file";
}

FileIdentity SourceFile::identity_now() const {
  struct stat st {};
  if (::fstat(m_fd, &st) != 0) return {};
  return identity_of(st);
}

std::string SourceFile::head(std::size_t bytes) const {
  std::string out(bytes, '\0');
  std::size_t done = 0;
  while (done < bytes && regular()) {
    const ssize_t n = ::pread(m_fd, out.data() + done, bytes - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return out;
}

std::string SourceFile::hash(const ReadBounds& bounds) const {
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(), &XXH3_freeState);
  XXH3_128bits_reset(state.get());
  std::vector<char> buffer(std::size_t{1} << 20);
  const std::uint64_t size = m_identity.size;
  std::uint64_t done = 0;
  while (done < size) {
    if (bounds.stop && bounds.stop->load() != 0)
      throw Interrupted(fmt::format("stopped by signal {} while reading '{}'", bounds.stop->load(), m_path.string()));
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size - done));
    const ssize_t n = ::pread(m_fd, buffer.data(), want, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(fmt::format("cannot read '{}': {}", m_path.string(), std::strerror(errno)));
    if (n == 0) break;  // shorter than at the open: told below
    XXH3_128bits_update(state.get(), buffer.data(), static_cast<std::size_t>(n));
    done += static_cast<std::uint64_t>(n);
    const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (bounds.max_seconds > 0 && spent > bounds.max_seconds && done < size)
      throw std::runtime_error(
          fmt::format("reading '{}' took over {} s ({} of {} bytes read): a slow device or a file "
                      "that does not end",
                      m_path.string(), bounds.max_seconds, done, size));
  }
  const FileIdentity now = identity_now();
  if (done != size || now.size != size || now.mtime_ns != m_identity.mtime_ns)
    throw std::runtime_error(
        fmt::format("'{}' changed while it was read ({} bytes when opened, {} now)", m_path.string(), size, now.size));
  const XXH128_hash_t digest = XXH3_128bits_digest(state.get());
  return fmt::format("{:016x}{:016x}", digest.high64, digest.low64);
}

}  // namespace prerender::util
