#include "manifest/reader.hpp"

#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <set>

#include "util/suggest.hpp"
#include "util/units.hpp"

namespace prerender::manifest {

std::string describe(const YamlNode& node) {
  switch (node.kind) {
    case NodeKind::null: return "nothing";
    case NodeKind::map: return "a mapping";
    case NodeKind::sequence: return "a list";
    case NodeKind::scalar: break;
  }
  return quote(node.scalar);
}

std::string quote(std::string_view text) {
  constexpr std::size_t k_max = 40;
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < k_max; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
  }
  if (text.size() > k_max) {
    while (out.size() > 1 && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
      out.pop_back();  // whole UTF-8 characters
    if (out.size() > 1 && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
    out += "...";
  }
  return out + "'";
}

bool Reader::check_map(const YamlNode& node, std::string_view where) const { return check_keys(node, nullptr, where); }

bool Reader::check_map(const YamlNode& node, std::span<const std::string_view> allowed, std::string_view where) const {
  return check_keys(node, &allowed, where);
}

bool Reader::check_keys(const YamlNode& node, const std::span<const std::string_view>* allowed,
                        std::string_view where) const {
  if (!node.is_map()) {
    error(node, fmt::format("{} must be a mapping, not {}", where, describe(node)));
    return false;
  }
  std::set<std::string_view> seen;
  for (const auto& [key, value] : node.entries) {
    if (!key->is_scalar()) {
      error(*key, fmt::format("a key in {} must be a plain name, not {}", where, describe(*key)));
      continue;
    }
    if (!seen.insert(key->scalar).second) {
      error(*key, fmt::format("duplicate key {} in {}", quote(key->scalar), where));
      continue;
    }
    if (!allowed) continue;
    bool known = false;
    for (std::string_view name : *allowed) known = known || name == key->scalar;
    if (!known)
      error(*key, fmt::format("unknown key {} in {}{}", quote(key->scalar), where,
                              util::did_you_mean(key->scalar, *allowed)));
  }
  return true;
}

std::optional<std::string> Reader::string(const YamlNode& node, std::string_view what) const {
  if (!node.is_scalar()) {
    error(node, fmt::format("{} must be a text, not {}", what, describe(node)));
    return std::nullopt;
  }
  return node.scalar;
}

std::optional<bool> Reader::boolean(const YamlNode& node, std::string_view what) const {
  if (node.is_scalar() && !node.quoted) {
    const std::string& s = node.scalar;
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  error(node, fmt::format("{} must be true or false, not {}", what, describe(node)));
  return std::nullopt;
}

std::optional<std::int64_t> Reader::integer(const YamlNode& node, std::string_view what, std::int64_t min,
                                            std::int64_t max) const {
  if (node.is_scalar() && !node.quoted) {
    const std::string& s = node.scalar;
    std::int64_t value = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec == std::errc() && ptr == s.data() + s.size() && !s.empty()) {
      if (value >= min && value <= max) return value;
      error(node, fmt::format("{} must be from {} to {}, not {}", what, min, max, value));
      return std::nullopt;
    }
  }
  error(node, fmt::format("{} must be a whole number from {} to {}, not {}", what, min, max, describe(node)));
  return std::nullopt;
}

std::optional<double> Reader::number(const YamlNode& node, std::string_view what, double min, double max) const {
  if (node.is_scalar() && !node.quoted) {
    const std::string& s = node.scalar;
    double value = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec == std::errc() && ptr == s.data() + s.size() && !s.empty() && std::isfinite(value)) {
      if (value >= min && value <= max) return value;
      error(node, fmt::format("{} must be from {} to {}, not {}", what, min, max, s));
      return std::nullopt;
    }
  }
  error(node, fmt::format("{} must be a number from {} to {}, not {}", what, min, max, describe(node)));
  return std::nullopt;
}

std::optional<std::uint64_t> Reader::size(const YamlNode& node, std::string_view what) const {
  if (node.is_scalar()) {
    if (auto bytes = util::parse_size(node.scalar)) return bytes;
  }
  error(node, fmt::format("{} must be a size such as 30KiB, 2MB or 65536, not {}", what, describe(node)));
  return std::nullopt;
}

std::optional<double> Reader::duration(const YamlNode& node, std::string_view what) const {
  if (node.is_scalar()) {
    if (auto seconds = util::parse_duration(node.scalar)) return seconds;
  }
  error(node, fmt::format("{} must be a duration such as 90s, 45m or 2h, not {}", what, describe(node)));
  return std::nullopt;
}

std::optional<std::size_t> Reader::choice(const YamlNode& node, std::string_view what,
                                          std::span<const std::string_view> names) const {
  if (node.is_scalar()) {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == node.scalar) return i;
    error(node, fmt::format("{} must be {}, not {}{}", what, util::one_of(names), describe(node),
                            util::did_you_mean(node.scalar, names)));
    return std::nullopt;
  }
  error(node, fmt::format("{} must be {}, not {}", what, util::one_of(names), describe(node)));
  return std::nullopt;
}

}  // namespace prerender::manifest
