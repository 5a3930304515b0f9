#include "output/atomic_write.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fmt/format.h>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "output/root.hpp"
#include "util/hash.hpp"

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

// The host in temporary names: a hash of its name, so that a long host name does not lengthen them.
const std::string& host_tag() {
  static const std::string k_tag = fmt::format("{:08x}", util::stable_hash64(host_name()) & 0xffffffffU);
  return k_tag;
}

// 48 bits that differ from call to call and from process to process: a counter spread by splitmix64 from
// a seed drawn once. Which name a temporary gets never reaches the bytes of a file.
std::uint64_t next_random() {
  static const std::uint64_t k_seed =
      (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^
      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  static std::atomic<std::uint64_t> counter{0};
  std::uint64_t z = k_seed + 0x9e3779b97f4a7c15ULL * (counter.fetch_add(1) + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (z ^ (z >> 31)) & 0xffffffffffffULL;
}

}  // namespace

std::string temporary_name() {
  return fmt::format("{}{}-{}-{:012x}", k_temp_prefix, host_tag(), ::getpid(), next_random());
}

bool is_stale_temporary(int dir, const std::string& name) {
  if (name.rfind(k_temp_prefix, 0) != 0) return false;
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) return false;
  const std::string rest = name.substr(k_temp_prefix.size());
  const auto dash1 = rest.find('-');
  const auto dash2 = dash1 == std::string::npos ? std::string::npos : rest.find('-', dash1 + 1);
  const bool old = std::time(nullptr) - st.st_mtime > 3600;
  if (dash2 == std::string::npos) return old;  // not our naming: only when old
  const std::string host = rest.substr(0, dash1);
  const std::string pid_text = rest.substr(dash1 + 1, dash2 - dash1 - 1);
  if (host != host_tag() && host != host_name()) return old;  // the host name: an earlier release's name
  try {
    const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
    return ::kill(pid, 0) != 0 && errno == ESRCH;
  } catch (const std::exception&) {
    return old;
  }
}

void write_in(int dir, const std::string& name, std::string_view bytes, const std::filesystem::path& shown) {
  write_in_streamed(
      dir, name, [&](const std::function<void(std::string_view)>& write) { write(bytes); }, shown);
}

void write_in_streamed(int dir, const std::string& name, const Producer& produce, const std::filesystem::path& shown) {
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
    throw std::runtime_error(link_refusal(shown));
  std::string temp;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 100; ++attempt) {
    temp = temporary_name();
    // O_CLOEXEC: not inherited by a decoder process spawned meanwhile.
    fd = ::openat(dir, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0)
    throw std::runtime_error(
        fmt::format("cannot write in '{}': {}", shown.parent_path().string(), std::strerror(errno)));
  bool removed = false;
  auto fail = [&](const char* what) {
    const int saved = errno;
    ::close(fd);
    ::unlinkat(dir, temp.c_str(), 0);
    removed = true;
    throw std::runtime_error(fmt::format("cannot {} '{}': {}", what, shown.string(), std::strerror(saved)));
  };
  auto write = [&](std::string_view bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) errno = ENOSPC;
      if (n <= 0) fail("write");
      done += static_cast<std::size_t>(n);
    }
  };
  try {
    produce(write);
  } catch (...) {
    if (!removed) {  // the producer failed: the temporary goes, the name keeps what it held
      ::close(fd);
      ::unlinkat(dir, temp.c_str(), 0);
    }
    throw;
  }
  if (::fchmod(fd, 0644) != 0) fail("set permissions of");
  if (::fsync(fd) != 0) fail("flush");
  if (::close(fd) != 0) {
    const int saved = errno;
    ::unlinkat(dir, temp.c_str(), 0);
    throw std::runtime_error(fmt::format("cannot write '{}': {}", shown.string(), std::strerror(saved)));
  }
  // renameat replaces whatever is at the name, a link included, and never writes through it.
  if (::renameat(dir, temp.c_str(), dir, name.c_str()) != 0) {
    const int saved = errno;
    ::unlinkat(dir, temp.c_str(), 0);
    throw std::runtime_error(fmt::format("cannot rename into '{}': {}", shown.string(), std::strerror(saved)));
  }
}

void write_atomically(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::path relative;
  if (const OutputRoot* root = OutputRoot::holding(path, relative)) {
    root->write(relative, bytes);
    return;
  }
  // Not under an output root: the folder is the one the user named, links in it included.
  const std::filesystem::path folder = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  if (!path.has_filename()) throw std::runtime_error(fmt::format("cannot write '{}': not a file name", path.string()));
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create folder '{}': {}", folder.string(), ec.message()));
  const UniqueFd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) throw std::runtime_error(fmt::format("cannot open folder '{}': {}", folder.string(), std::strerror(errno)));
  write_in(dir.get(), path.filename().string(), bytes, path);
}

}  // namespace prerender::output
