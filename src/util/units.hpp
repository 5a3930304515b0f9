#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace prerender::util {

// Parses a byte size: a whole number of bytes ("4096") or a number with a unit: B, KB, MB, GB, TB
// (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), case-insensitive ("30KiB", "1.5MB").
// Returns nothing when the text is not such a size or does not fit in 64 bits.
std::optional<std::uint64_t> parse_size(std::string_view text);

// Parses a duration: plain seconds ("90", "2.5") or a sequence of number+unit parts with units ms, s,
// m, h, d ("45m", "2h", "1h30m", "500ms"). Returns seconds, or nothing when malformed.
std::optional<double> parse_duration(std::string_view text);

// "30 KiB", "1.4 MiB", "512 B": for people, not for parsing.
std::string format_size(std::uint64_t bytes);

}  // namespace prerender::util
