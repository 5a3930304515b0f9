#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace prerender::popularity {

// Lines longer than this are cut off and handed over as too long (a log line is a few hundred bytes; a
// longer one is not a log line).
inline constexpr std::size_t k_max_line_bytes = 64 * 1024;

// One line of a log, without its line end ("\n" or "\r\n"). `number` counts from 1.
struct Line {
  std::string_view text;
  std::uint64_t number = 0;
  bool too_long = false;  // text holds only the first k_max_line_bytes bytes
};

// Reads the log at `path` ("-": standard input) line by line and calls `on_line` for each, streaming: gzip
// (one or several members, as logrotate and CloudFront write it) is recognised by its bytes, not by its
// name, and decompressed as it is read; memory stays at one buffer whatever the size of the log. Returns
// the number of lines. Throws std::runtime_error naming the file and the reason when it cannot be opened or
// read, or when a gzip stream is corrupt or truncated (the lines before the problem have been handed over).
std::uint64_t for_each_line(const std::string& path, const std::function<void(const Line&)>& on_line);

}  // namespace prerender::popularity
