#include "manifest/preset_reader.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>

#include "manifest/http_fields.hpp"
#include "manifest/keys.hpp"
#include "manifest/preset_parser.hpp"
#include "manifest/quality_parser.hpp"

namespace prerender::manifest {

using presets::Format;

namespace {

template <std::size_t N>
std::string one_of(const std::array<std::string_view, N>& names) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) out += (i ? ", " : "") + std::string(names[i]);
  return out;
}

// "16:9" as width / height, within 1:100 and 100:1.
std::optional<double> aspect_ratio(const std::string& s) {
  const auto colon = s.find(':');
  if (colon == std::string::npos) return std::nullopt;
  double w = 0, h = 0;
  auto r1 = std::from_chars(s.data(), s.data() + colon, w);
  auto r2 = std::from_chars(s.data() + colon + 1, s.data() + s.size(), h);
  if (r1.ec == std::errc() && r2.ec == std::errc() && r1.ptr == s.data() + colon && r2.ptr == s.data() + s.size() &&
      w > 0 && h > 0 && w / h >= 0.01 && w / h <= 100)
    return w / h;
  return std::nullopt;
}

}  // namespace

std::string PresetReader::what(std::string_view key) const { return fmt::format("'{}' in preset '{}'", key, m_name); }

std::optional<double> PresetReader::bool_or_number(const YamlNode& node, std::string_view key, double fallback,
                                                   double min, double max) const {
  if (node.is_scalar() && !node.quoted && (node.scalar == "true" || node.scalar == "false"))
    return node.scalar == "true" ? fallback : 0.0;
  if (node.is_scalar() && !node.quoted && node.scalar == "0") return 0.0;
  return m_r.number(node, fmt::format("{} (true, false or a number)", what(key)), min, max);
}

std::optional<presets::Crop> PresetReader::custom(const YamlNode& node, std::type_identity<presets::Crop>) const {
  presets::Crop out;
  if (node.is_scalar()) {
    if (auto aspect = aspect_ratio(node.scalar)) {
      out.aspect = *aspect;
      out.aspect_text = node.scalar;
      return out;
    }
    m_r.error(node, fmt::format("{} must be an aspect ratio such as '16:9' or a region "
                                "{{left, top, width, height}} in fractions, not {}",
                                what("crop"), describe(node)));
    return std::nullopt;
  }
  out.region = region(node);
  if (!out.region) return std::nullopt;
  return out;
}

std::optional<presets::Region> PresetReader::region(const YamlNode& node) const {
  if (!m_r.check_map(node, k_region_keys, fmt::format("'crop' of preset '{}'", m_name))) return std::nullopt;
  presets::Region region;
  bool ok = true;
  for (const auto& [key, value] : node.entries) {
    auto v = m_r.number(*value, what("crop." + key->scalar), 0, 1);
    ok = ok && v.has_value();
    if (!v) continue;
    if (key->scalar == "left")
      region.left = *v;
    else if (key->scalar == "top")
      region.top = *v;
    else if (key->scalar == "width")
      region.width = *v;
    else if (key->scalar == "height")
      region.height = *v;
  }
  if (!ok) return std::nullopt;
  if (region.width <= 0 || region.height <= 0 || region.left + region.width > 1.0 + 1e-9 ||
      region.top + region.height > 1.0 + 1e-9) {
    m_r.error(node, fmt::format("{} must lie inside the image: left + width and top + height at most 1, "
                                "width and height above 0",
                                what("crop")));
    return std::nullopt;
  }
  return region;
}

std::optional<presets::Edges> PresetReader::custom(const YamlNode& node, std::type_identity<presets::Edges>) const {
  if (node.is_scalar()) {
    auto all = as_int(m_r.integer(node, what("pad"), 0, 4096));
    if (!all) return std::nullopt;
    return presets::Edges{*all, *all, *all, *all};
  }
  if (!m_r.check_map(node, k_pad_keys, fmt::format("'pad' of preset '{}'", m_name))) return std::nullopt;
  presets::Edges out;
  for (const auto& [key, value] : node.entries) {
    auto v = as_int(m_r.integer(*value, what("pad." + key->scalar), 0, 4096));
    if (!v) continue;
    if (key->scalar == "top")
      out.top = *v;
    else if (key->scalar == "right")
      out.right = *v;
    else if (key->scalar == "bottom")
      out.bottom = *v;
    else if (key->scalar == "left")
      out.left = *v;
  }
  return out;
}

std::optional<presets::Colour> PresetReader::custom(const YamlNode& node, std::type_identity<presets::Colour>) const {
  if (node.kind == NodeKind::null) {
    m_r.error(node, fmt::format("{} is empty: quote a colour such as \"#ffffff\" ('#' starts a YAML comment)",
                                what("background")));
    return std::nullopt;
  }
  if (node.is_scalar()) {
    if (auto c = parse_colour(node.scalar)) return c;
  }
  m_r.error(node, fmt::format("{} must be a colour \"#rrggbb\", \"#rrggbbaa\" or \"transparent\", not {}",
                              what("background"), describe(node)));
  return std::nullopt;
}

std::optional<presets::Overlay> PresetReader::custom(const YamlNode& node, std::type_identity<presets::Overlay>) const {
  if (!m_r.check_map(node, k_overlay_keys, fmt::format("'overlay' of preset '{}'", m_name))) return std::nullopt;
  presets::Overlay out;
  bool has_image = false;
  for (const auto& [key, value] : node.entries) overlay_entry(key->scalar, *value, out, has_image);
  if (!has_image) {
    m_r.error(node, fmt::format("{} needs an 'image'", what("overlay")));
    return std::nullopt;
  }
  return out;
}

void PresetReader::overlay_entry(const std::string& k, const YamlNode& value, presets::Overlay& out,
                                 bool& has_image) const {
  if (k == "image") {
    if (auto s = m_r.string(value, what("overlay.image")); s && !s->empty()) {
      out.image = (m_folder / *s).lexically_normal().string();
      has_image = true;
    }
  } else if (k == "gravity") {
    if (auto g = m_r.choice<presets::Gravity>(value, what("overlay.gravity"), presets::k_gravity_names)) {
      if (*g == presets::Gravity::entropy || *g == presets::Gravity::attention || *g == presets::Gravity::focus)
        m_r.error(value, fmt::format("{} must be centre or a compass point", what("overlay.gravity")));
      else
        out.gravity = *g;
    }
  } else if (k == "offset") {
    if (!value.is_sequence() || value.items.size() != 2) {
      m_r.error(value, fmt::format("{} must be [x, y] in CSS pixels", what("overlay.offset")));
    } else {
      out.offset_x = as_int(m_r.integer(*value.items[0], what("overlay.offset"), -4096, 4096)).value_or(0);
      out.offset_y = as_int(m_r.integer(*value.items[1], what("overlay.offset"), -4096, 4096)).value_or(0);
    }
  } else if (k == "width") {
    if (auto w = m_r.number(value, what("overlay.width"), 0.01, 1)) out.width = *w;
  } else if (k == "opacity") {
    if (auto o = m_r.number(value, what("overlay.opacity"), 0, 1)) out.opacity = *o;
  }
}

std::optional<presets::Keep> PresetReader::custom(const YamlNode& node, std::type_identity<presets::Keep>) const {
  if (!node.is_sequence()) {
    m_r.error(node, fmt::format("{} must be a list of {}", what("keep"), one_of(presets::k_keep_names)));
    return std::nullopt;
  }
  presets::Keep out;
  for (const auto& item : node.items) {
    auto index = m_r.choice(*item, what("keep"), presets::k_keep_names);
    if (!index) continue;
    if (*index == 0)
      out.icc = true;
    else if (*index == 1)
      out.copyright = true;
    else
      out.exif = true;
  }
  return out;
}

std::optional<std::vector<Format>> PresetReader::custom(const YamlNode& node,
                                                        std::type_identity<std::vector<Format>>) const {
  return distinct_list<Format>(
      node, "format", "name at least one format",
      [&](const YamlNode& item) { return m_r.choice<Format>(item, what("format"), presets::k_format_names); },
      [](Format f) { return fmt::format("'{}'", presets::name(f)); });
}

std::optional<std::vector<double>> PresetReader::custom(const YamlNode& node,
                                                        std::type_identity<std::vector<double>>) const {
  return distinct_list<double>(
      node, "dpr", "list at least one density",
      [&](const YamlNode& item) { return m_r.number(item, what("dpr"), 0.5, 4); },
      [](double d) { return fmt::format("{}", d); });
}

std::optional<presets::Quality> PresetReader::custom(const YamlNode& node, std::type_identity<presets::Quality>) const {
  return read_quality(m_r, node, m_name);
}

std::optional<presets::CacheControl> PresetReader::custom(const YamlNode& node,
                                                          std::type_identity<presets::CacheControl>) const {
  return read_cache_control(m_r, node, what("cache_control"));
}

std::optional<std::vector<std::string>> PresetReader::custom(const YamlNode& node,
                                                             std::type_identity<std::vector<std::string>>) const {
  return read_tags(m_r, node, what("tags"));
}

}  // namespace prerender::manifest
