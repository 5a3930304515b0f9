#include "util/hash.hpp"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fmt/format.h>
#include <memory>
#include <stdexcept>
#include <xxhash.h>

namespace prerender::util {
namespace {

std::string to_hex(XXH128_hash_t hash) { return fmt::format("{:016x}{:016x}", hash.high64, hash.low64); }

}  // namespace

std::string content_hash(std::string_view bytes) { return to_hex(XXH3_128bits(bytes.data(), bytes.size())); }

std::string file_hash(const std::filesystem::path& path) {
  // Only a regular file is read: a FIFO or a device put in a file's place would block or never end.
  // The check is on the descriptor read from, without waiting on the open.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(fmt::format("cannot read '{}': {}", path.string(), std::strerror(errno)));
  struct stat st {};
  const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  if (!regular) {
    ::close(fd);
    throw std::runtime_error(fmt::format("cannot read '{}': not a regular file", path.string()));
  }
  std::unique_ptr<std::FILE, decltype(&std::fclose)> in(::fdopen(fd, "rb"), &std::fclose);
  if (!in) {
    ::close(fd);
    throw std::runtime_error(fmt::format("cannot read '{}': {}", path.string(), std::strerror(errno)));
  }
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(), &XXH3_freeState);
  XXH3_128bits_reset(state.get());
  std::array<char, 1 << 16> buffer{};
  std::size_t got = 0;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), in.get())) > 0)
    XXH3_128bits_update(state.get(), buffer.data(), got);
  if (std::ferror(in.get())) throw std::runtime_error(fmt::format("cannot read '{}'", path.string()));
  return to_hex(XXH3_128bits_digest(state.get()));
}

std::uint64_t stable_hash64(std::string_view text) { return XXH3_64bits(text.data(), text.size()); }

}  // namespace prerender::util
