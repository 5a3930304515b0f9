#include "manifest/preset_parser.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fmt/format.h>

#include "manifest/keys.hpp"
#include "manifest/preset_reader.hpp"
#include "presets/fields.hpp"

namespace prerender::manifest {

std::optional<presets::Colour> parse_colour(std::string_view text) {
  if (text == "transparent") return presets::Colour{0, 0, 0, 0};
  if (text.empty() || text.front() != '#') return std::nullopt;
  text.remove_prefix(1);
  if (!std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
    return std::nullopt;
  auto hex = [](std::string_view digits) {
    unsigned value = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), value, 16);
    return static_cast<std::uint8_t>(digits.size() == 1 ? value * 17 : value);
  };
  if (text.size() == 3)
    return presets::Colour{hex(text.substr(0, 1)), hex(text.substr(1, 1)), hex(text.substr(2, 1)), 255};
  if (text.size() == 6 || text.size() == 8)
    return presets::Colour{hex(text.substr(0, 2)), hex(text.substr(2, 2)), hex(text.substr(4, 2)),
                           text.size() == 8 ? hex(text.substr(6, 2)) : std::uint8_t{255}};
  return std::nullopt;
}

namespace {

namespace read = presets::read;

// "0, 90, 180 or 270".
std::string multiples(const read::Integer& how) {
  std::string out;
  for (std::int64_t v = how.min; v <= how.max; v += how.step)
    out += (out.empty() ? "" : v + how.step > how.max ? " or " : ", ") + std::to_string(v);
  return out;
}

// The value of one option, read as its table entry says; problems are reported and give nothing.
class OptionReader {
 public:
  explicit OptionReader(const PresetReader& p) : m_p(p), m_r(p.reader()) {}

  template <typename T>
  std::optional<T> value(const YamlNode& v, const std::string& key, read::Boolean) const {
    return m_r.boolean(v, m_p.what(key));
  }
  template <typename T>
  std::optional<T> value(const YamlNode& v, const std::string& key, const read::Integer& how) const {
    auto n = PresetReader::as_int(m_r.integer(v, m_p.what(key), how.min, how.max));
    if (n && *n % how.step != 0) {
      m_r.error(v, fmt::format("{} must be {}, not {}", m_p.what(key), multiples(how), *n));
      return std::nullopt;
    }
    return n;
  }
  template <typename T>
  std::optional<T> value(const YamlNode& v, const std::string& key, const read::Number& how) const {
    return m_r.number(v, m_p.what(key), how.min, how.max);
  }
  template <typename T>
  std::optional<T> value(const YamlNode& v, const std::string& key, const read::OnOff& how) const {
    return m_p.bool_or_number(v, key, how.fallback, how.min, how.max);
  }
  template <typename T>
  std::optional<T> value(const YamlNode& v, const std::string& key, const read::Bytes& how) const {
    auto n = m_r.size(v, m_p.what(key));
    if (n && *n < how.min) {
      m_r.error(v, fmt::format("{} must be at least {} bytes", m_p.what(key), how.min));
      return std::nullopt;
    }
    return n;
  }
  template <typename T, typename Enum, std::size_t N>
  std::optional<T> value(const YamlNode& v, const std::string& key, const read::Choice<Enum, N>& how) const {
    return m_r.choice<Enum>(v, m_p.what(key), *how.names);
  }
  template <typename T>
  std::optional<T> value(const YamlNode& v, const std::string&, read::Custom) const {
    return m_p.custom(v, std::type_identity<T>{});
  }

  // Reads `key` of the mapping `group` (empty: the preset itself) into its member of `out`.
  void read_option(std::string_view group, std::string_view key, const YamlNode& v, presets::PresetSpec& out) const {
    presets::for_each_field([&](const auto& field) {
      if (field.group != group || field.key != key) return;
      auto& to = field.get(out);
      using T = typename std::remove_cvref_t<decltype(to)>::value_type;
      const std::string name = group.empty() ? std::string(key) : fmt::format("{}.{}", group, key);
      to = value<T>(v, name, field.read);
    });
  }

  // A nested mapping (`resize`, `check`): its keys checked, then each read as above.
  void read_group(std::string_view group, std::span<const std::string_view> keys, const YamlNode& v,
                  presets::PresetSpec& out) const {
    if (!m_r.check_map(v, keys, fmt::format("'{}' of preset '{}'", group, m_p.name()))) return;
    for (const auto& [key, value] : v.entries) read_option(group, key->scalar, *value, out);
  }

 private:
  const PresetReader& m_p;
  const Reader& m_r;
};

}  // namespace

presets::PresetSpec parse_preset(const YamlNode& node, const std::string& name, const Reader& reader,
                                 const std::filesystem::path& folder) {
  presets::PresetSpec out;
  if (!reader.check_map(node, k_preset_keys, fmt::format("preset '{}'", name))) return out;
  const PresetReader p(reader, name, folder);
  const OptionReader options(p);
  for (const auto& [key, value] : node.entries) {
    const std::string& k = key->scalar;
    if (k == "extends")
      out.extends = reader.string(*value, p.what(k));
    else if (k == "resize")
      options.read_group(k, k_resize_keys, *value, out);
    else if (k == "check")
      options.read_group(k, k_check_keys, *value, out);
    else
      options.read_option("", k, *value, out);
  }
  return out;
}

}  // namespace prerender::manifest
