#include "popularity/line_source.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <memory>
#include <stdexcept>
#include <unistd.h>
#include <vector>
#include <zlib.h>

namespace prerender::popularity {
namespace {

constexpr std::size_t k_chunk = 1 << 20;

struct GzCloser {
  void operator()(gzFile file) const { gzclose(file); }
};
using GzFile = std::unique_ptr<std::remove_pointer_t<gzFile>, GzCloser>;

std::string display_name(const std::string& path) { return path == "-" ? "standard input" : path; }

GzFile open_log(const std::string& path) {
  int fd = STDIN_FILENO;
  if (path != "-") {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  } else {
    fd = ::dup(STDIN_FILENO);
    if (fd < 0) throw std::runtime_error(fmt::format("standard input: {}", std::strerror(errno)));
  }
  // gzdopen reads a file that is not gzip as it is ("transparent" mode), so one path serves both.
  gzFile file = gzdopen(fd, "rb");
  if (!file) {
    ::close(fd);
    throw std::runtime_error(fmt::format("{}: cannot read: out of memory", display_name(path)));
  }
  gzbuffer(file, k_chunk);
  return GzFile(file);
}

// zlib's message, without the "<fd:3>: " it prefixes for a descriptor.
std::string_view zlib_message(gzFile file) {
  int code = 0;
  std::string_view message = gzerror(file, &code);
  if (message.starts_with("<fd:") && message.find(": ") != std::string_view::npos)
    message.remove_prefix(message.find(": ") + 2);
  return code == Z_ERRNO ? std::strerror(errno) : message;
}

std::string_view without_cr(std::string_view text) {
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

}  // namespace

std::uint64_t for_each_line(const std::string& path, const std::function<void(const Line&)>& on_line) {
  GzFile file = open_log(path);
  std::vector<char> buffer(k_chunk + k_max_line_bytes);
  std::size_t kept = 0;   // bytes of an unfinished line at the start of the buffer
  bool skipping = false;  // inside a line that was already handed over as too long
  std::uint64_t number = 0;
  for (;;) {
    const int got = gzread(file.get(), buffer.data() + kept, static_cast<unsigned>(k_chunk));
    if (got < 0) {
      throw std::runtime_error(
          fmt::format("{}: {} after line {}", display_name(path), zlib_message(file.get()), number));
    }
    if (got == 0) break;
    const char* begin = buffer.data();
    const char* end = begin + kept + static_cast<std::size_t>(got);
    const char* line = begin;
    while (const char* newline =
               static_cast<const char*>(std::memchr(line, '\n', static_cast<std::size_t>(end - line)))) {
      const auto length = static_cast<std::size_t>(newline - line);
      if (!skipping && length > k_max_line_bytes)
        on_line({{line, k_max_line_bytes}, ++number, true});
      else if (!skipping)
        on_line({without_cr({line, length}), ++number, false});
      skipping = false;
      line = newline + 1;
    }
    kept = static_cast<std::size_t>(end - line);
    if (skipping) {
      kept = 0;
    } else if (kept >= k_max_line_bytes) {
      on_line({{line, k_max_line_bytes}, ++number, true});
      skipping = true;
      kept = 0;
    } else if (kept > 0) {
      std::memmove(buffer.data(), line, kept);
    }
  }
  // A gzip stream that ends early reads as end of file; zlib tells it apart only here.
  int code = 0;
  gzerror(file.get(), &code);
  if (code != Z_OK)
    throw std::runtime_error(fmt::format("{}: {} after line {} (a truncated gzip file?)", display_name(path),
                                         zlib_message(file.get()), number));
  if (kept > 0 && !skipping) on_line({without_cr({buffer.data(), kept}), ++number, false});
  return number;
}

}  // namespace prerender::popularity
