#include "util/units.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace prerender::util {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Reads a non-negative decimal number at the front of `text`; advances past it.
std::optional<double> take_number(std::string_view& text) {
  std::size_t end = 0;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) ++end;
  if (end == 0) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, value);
  if (ec != std::errc() || ptr != text.data() + end || !std::isfinite(value)) return std::nullopt;
  text.remove_prefix(end);
  return value;
}

}  // namespace

std::optional<std::uint64_t> parse_size(std::string_view text) {
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  auto number = take_number(text);
  if (!number) return std::nullopt;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  struct Unit {
    std::string_view name;
    double factor;
  };
  static constexpr std::array<Unit, 10> k_units{{{"", 1},
                                                 {"b", 1},
                                                 {"kb", 1e3},
                                                 {"mb", 1e6},
                                                 {"gb", 1e9},
                                                 {"tb", 1e12},
                                                 {"kib", 1024.0},
                                                 {"mib", 1024.0 * 1024},
                                                 {"gib", 1024.0 * 1024 * 1024},
                                                 {"tib", 1024.0 * 1024 * 1024 * 1024}}};
  const std::string unit = lower(text);
  for (const Unit& candidate : k_units) {
    if (candidate.name != unit) continue;
    const double bytes = std::round(*number * candidate.factor);
    if (bytes > 1.8e19) return std::nullopt;
    // A fractional number of bytes ("1.5" or "0.5B") is not a size.
    if (candidate.factor == 1 && bytes != *number) return std::nullopt;
    return static_cast<std::uint64_t>(bytes);
  }
  return std::nullopt;
}

std::optional<double> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  {
    std::string_view rest = text;
    auto plain = take_number(rest);
    if (plain && rest.empty()) return plain;
  }
  double total = 0;
  while (!text.empty()) {
    auto number = take_number(text);
    if (!number) return std::nullopt;
    std::size_t end = 0;
    while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))) ++end;
    const std::string unit = lower(text.substr(0, end));
    text.remove_prefix(end);
    if (unit == "ms")
      total += *number / 1000;
    else if (unit == "s")
      total += *number;
    else if (unit == "m")
      total += *number * 60;
    else if (unit == "h")
      total += *number * 3600;
    else if (unit == "d")
      total += *number * 86400;
    else
      return std::nullopt;
  }
  return total;
}

std::string format_size(std::uint64_t bytes) {
  static constexpr std::array<const char*, 5> k_names{"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < k_names.size()) {
    value /= 1024;
    ++unit;
  }
  if (unit == 0) return fmt::format("{} B", bytes);
  return fmt::format("{:.1f} {}", value, k_names[unit]);
}

}  // namespace prerender::util
