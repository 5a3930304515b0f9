#include "manifest/preset_parser.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fmt/format.h>

#include "manifest/http_fields.hpp"
#include "manifest/keys.hpp"
#include "manifest/quality_parser.hpp"

namespace prerender::manifest {

using presets::Format;

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
  if (text.size() == 3) return presets::Colour{hex(text.substr(0, 1)), hex(text.substr(1, 1)), hex(text.substr(2, 1)), 255};
  if (text.size() == 6 || text.size() == 8)
    return presets::Colour{hex(text.substr(0, 2)), hex(text.substr(2, 2)), hex(text.substr(4, 2)),
                           text.size() == 8 ? hex(text.substr(6, 2)) : std::uint8_t{255}};
  return std::nullopt;
}

namespace {

// Parsing state for one preset: the reader plus the preset's name for messages.
class PresetReader {
 public:
  PresetReader(const Reader& reader, const std::string& name, const std::filesystem::path& folder)
      : m_r(reader), m_name(name), m_folder(folder) {}

  std::string what(std::string_view key) const { return fmt::format("'{}' in preset '{}'", key, m_name); }

  void resize(const YamlNode& node, presets::ResizeSpec& out) const {
    if (!m_r.check_map(node, k_resize_keys, fmt::format("'resize' of preset '{}'", m_name))) return;
    for (const auto& [key, value] : node.entries) {
      const std::string& k = key->scalar;
      if (k == "width") out.width = as_int(m_r.integer(*value, what("resize.width"), 1, 16384));
      else if (k == "height") out.height = as_int(m_r.integer(*value, what("resize.height"), 1, 16384));
      else if (k == "fit") out.fit = m_r.choice<presets::Fit>(*value, what("resize.fit"), presets::k_fit_names);
      else if (k == "gravity") out.gravity = m_r.choice<presets::Gravity>(*value, what("resize.gravity"), presets::k_gravity_names);
      else if (k == "enlarge") out.enlarge = m_r.boolean(*value, what("resize.enlarge"));
    }
  }

  std::optional<presets::Crop> crop(const YamlNode& node) const {
    presets::Crop out;
    if (node.is_scalar()) {
      const std::string& s = node.scalar;
      const auto colon = s.find(':');
      double w = 0, h = 0;
      if (colon != std::string::npos) {
        auto r1 = std::from_chars(s.data(), s.data() + colon, w);
        auto r2 = std::from_chars(s.data() + colon + 1, s.data() + s.size(), h);
        if (r1.ec == std::errc() && r2.ec == std::errc() && r1.ptr == s.data() + colon && r2.ptr == s.data() + s.size() &&
            w > 0 && h > 0 && w / h >= 0.01 && w / h <= 100) {
          out.aspect = w / h;
          out.aspect_text = s;
          return out;
        }
      }
      m_r.error(node, fmt::format("{} must be an aspect ratio such as '16:9' or a region "
                                  "{{left, top, width, height}} in fractions, not {}", what("crop"), describe(node)));
      return std::nullopt;
    }
    if (!m_r.check_map(node, k_region_keys, fmt::format("'crop' of preset '{}'", m_name))) return std::nullopt;
    presets::Region region;
    bool ok = true;
    for (const auto& [key, value] : node.entries) {
      auto v = m_r.number(*value, what("crop." + key->scalar), 0, 1);
      ok = ok && v.has_value();
      if (!v) continue;
      if (key->scalar == "left") region.left = *v;
      else if (key->scalar == "top") region.top = *v;
      else if (key->scalar == "width") region.width = *v;
      else if (key->scalar == "height") region.height = *v;
    }
    if (!ok) return std::nullopt;
    if (region.width <= 0 || region.height <= 0 || region.left + region.width > 1.0 + 1e-9 ||
        region.top + region.height > 1.0 + 1e-9) {
      m_r.error(node, fmt::format("{} must lie inside the image: left + width and top + height at most 1, "
                                  "width and height above 0", what("crop")));
      return std::nullopt;
    }
    out.region = region;
    return out;
  }

  std::optional<presets::Edges> pad(const YamlNode& node) const {
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
      if (key->scalar == "top") out.top = *v;
      else if (key->scalar == "right") out.right = *v;
      else if (key->scalar == "bottom") out.bottom = *v;
      else if (key->scalar == "left") out.left = *v;
    }
    return out;
  }

  std::optional<presets::Colour> colour(const YamlNode& node, std::string_view key) const {
    if (node.kind == NodeKind::null) {
      m_r.error(node, fmt::format("{} is empty: quote a colour such as \"#ffffff\" ('#' starts a YAML comment)",
                                  what(key)));
      return std::nullopt;
    }
    if (node.is_scalar()) {
      if (auto c = parse_colour(node.scalar)) return c;
    }
    m_r.error(node, fmt::format("{} must be a colour \"#rrggbb\", \"#rrggbbaa\" or \"transparent\", not {}", what(key),
                                describe(node)));
    return std::nullopt;
  }

  // `true` gives `fallback`, `false` gives 0 (off), a number is taken as is.
  std::optional<double> bool_or_number(const YamlNode& node, std::string_view key, double fallback, double min,
                                       double max) const {
    if (node.is_scalar() && !node.quoted && (node.scalar == "true" || node.scalar == "false"))
      return node.scalar == "true" ? fallback : 0.0;
    if (node.is_scalar() && !node.quoted && node.scalar == "0") return 0.0;
    return m_r.number(node, fmt::format("{} (true, false or a number)", what(key)), min, max);
  }

  std::optional<presets::Overlay> overlay(const YamlNode& node) const {
    if (!m_r.check_map(node, k_overlay_keys, fmt::format("'overlay' of preset '{}'", m_name))) return std::nullopt;
    presets::Overlay out;
    bool has_image = false;
    for (const auto& [key, value] : node.entries) {
      const std::string& k = key->scalar;
      if (k == "image") {
        if (auto s = m_r.string(*value, what("overlay.image")); s && !s->empty()) {
          out.image = (m_folder / *s).lexically_normal().string();
          has_image = true;
        }
      } else if (k == "gravity") {
        if (auto g = m_r.choice<presets::Gravity>(*value, what("overlay.gravity"), presets::k_gravity_names)) {
          if (*g == presets::Gravity::entropy || *g == presets::Gravity::attention || *g == presets::Gravity::focus)
            m_r.error(*value, fmt::format("{} must be centre or a compass point", what("overlay.gravity")));
          else out.gravity = *g;
        }
      } else if (k == "offset") {
        if (!value->is_sequence() || value->items.size() != 2) {
          m_r.error(*value, fmt::format("{} must be [x, y] in CSS pixels", what("overlay.offset")));
        } else {
          out.offset_x = as_int(m_r.integer(*value->items[0], what("overlay.offset"), -4096, 4096)).value_or(0);
          out.offset_y = as_int(m_r.integer(*value->items[1], what("overlay.offset"), -4096, 4096)).value_or(0);
        }
      } else if (k == "width") {
        auto w = m_r.number(*value, what("overlay.width"), 0.01, 1);
        if (w) out.width = *w;
      } else if (k == "opacity") {
        auto o = m_r.number(*value, what("overlay.opacity"), 0, 1);
        if (o) out.opacity = *o;
      }
    }
    if (!has_image) {
      m_r.error(node, fmt::format("{} needs an 'image'", what("overlay")));
      return std::nullopt;
    }
    return out;
  }

  std::optional<presets::Keep> keep(const YamlNode& node) const {
    if (!node.is_sequence()) {
      m_r.error(node, fmt::format("{} must be a list of {}", what("keep"), util_one_of(presets::k_keep_names)));
      return std::nullopt;
    }
    presets::Keep out;
    for (const auto& item : node.items) {
      auto index = m_r.choice(*item, what("keep"), presets::k_keep_names);
      if (!index) continue;
      if (*index == 0) out.icc = true;
      else if (*index == 1) out.copyright = true;
      else out.exif = true;
    }
    return out;
  }

  std::optional<std::vector<Format>> formats(const YamlNode& node) const {
    const std::vector<const YamlNode*> items = node.as_list();
    if (items.empty()) {
      m_r.error(node, fmt::format("{} must name at least one format", what("format")));
      return std::nullopt;
    }
    std::vector<Format> out;
    for (const YamlNode* item : items) {
      auto f = m_r.choice<Format>(*item, what("format"), presets::k_format_names);
      if (!f) return std::nullopt;
      if (std::find(out.begin(), out.end(), *f) != out.end()) {
        m_r.error(*item, fmt::format("{} lists '{}' twice", what("format"), presets::name(*f)));
        return std::nullopt;
      }
      out.push_back(*f);
    }
    return out;
  }

  std::optional<std::vector<double>> dprs(const YamlNode& node) const {
    const std::vector<const YamlNode*> items = node.as_list();
    if (items.empty()) {
      m_r.error(node, fmt::format("{} must list at least one density", what("dpr")));
      return std::nullopt;
    }
    std::vector<double> out;
    for (const YamlNode* item : items) {
      auto d = m_r.number(*item, what("dpr"), 0.5, 4);
      if (!d) return std::nullopt;
      if (std::find(out.begin(), out.end(), *d) != out.end()) {
        m_r.error(*item, fmt::format("{} lists {} twice", what("dpr"), *d));
        return std::nullopt;
      }
      out.push_back(*d);
    }
    return out;
  }

  static std::optional<int> as_int(std::optional<std::int64_t> v) {
    return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
  }

 private:
  template <std::size_t N>
  static std::string util_one_of(const std::array<std::string_view, N>& names) {
    std::string out;
    for (std::size_t i = 0; i < N; ++i) out += (i ? ", " : "") + std::string(names[i]);
    return out;
  }

  const Reader& m_r;
  const std::string& m_name;
  const std::filesystem::path& m_folder;
};

}  // namespace

presets::PresetSpec parse_preset(const YamlNode& node, const std::string& name, const Reader& reader,
                                 const std::filesystem::path& folder) {
  presets::PresetSpec out;
  if (!reader.check_map(node, k_preset_keys, fmt::format("preset '{}'", name))) return out;
  const PresetReader p(reader, name, folder);
  for (const auto& [key, value] : node.entries) {
    const std::string& k = key->scalar;
    const YamlNode& v = *value;
    if (k == "extends") out.extends = reader.string(v, p.what("extends"));
    else if (k == "resize") p.resize(v, out.resize);
    else if (k == "crop") out.crop = p.crop(v);
    else if (k == "trim") out.trim = p.bool_or_number(v, k, presets::k_default_trim_threshold, 1, 255);
    else if (k == "pad") out.pad = p.pad(v);
    else if (k == "background") out.background = p.colour(v, k);
    else if (k == "rotate") {
      auto r = PresetReader::as_int(reader.integer(v, p.what(k), 0, 270));
      if (r && *r % 90 != 0) reader.error(v, fmt::format("{} must be 0, 90, 180 or 270, not {}", p.what(k), *r));
      else out.rotate = r;
    } else if (k == "flip") out.flip = reader.boolean(v, p.what(k));
    else if (k == "flop") out.flop = reader.boolean(v, p.what(k));
    else if (k == "sharpen") out.sharpen = p.bool_or_number(v, k, presets::k_default_sharpen_sigma, 0.3, 10);
    else if (k == "blur") out.blur = reader.number(v, p.what(k), 0, 100);
    else if (k == "grayscale") out.grayscale = reader.boolean(v, p.what(k));
    else if (k == "overlay") out.overlay = p.overlay(v);
    else if (k == "keep") out.keep = p.keep(v);
    else if (k == "format") out.formats = p.formats(v);
    else if (k == "quality") read_quality(reader, v, name, out);
    else if (k == "lossless") out.lossless = reader.boolean(v, p.what(k));
    else if (k == "effort") out.effort = PresetReader::as_int(reader.integer(v, p.what(k), 0, 10));
    else if (k == "progressive") out.progressive = reader.boolean(v, p.what(k));
    else if (k == "chroma_subsampling") out.chroma = reader.choice<presets::Chroma>(v, p.what(k), presets::k_chroma_names);
    else if (k == "palette") out.palette = reader.boolean(v, p.what(k));
    else if (k == "bitdepth") out.bitdepth = PresetReader::as_int(reader.integer(v, p.what(k), 8, 16));
    else if (k == "max_bytes") {
      out.max_bytes = reader.size(v, p.what(k));
      if (out.max_bytes && *out.max_bytes < 64) {
        reader.error(v, fmt::format("{} must be at least 64 bytes", p.what(k)));
        out.max_bytes.reset();
      }
    } else if (k == "animation") out.animation = reader.choice<presets::Animation>(v, p.what(k), presets::k_animation_names);
    else if (k == "max_frames") out.max_frames = PresetReader::as_int(reader.integer(v, p.what(k), 1, 10000));
    else if (k == "dpr") out.dpr = p.dprs(v);
    else if (k == "cache_control") out.cache_control = read_cache_control(reader, v, p.what(k));
    else if (k == "tags") out.tags = read_tags(reader, v, p.what(k));
    else if (k == "check") {
      if (reader.check_map(v, k_check_keys, fmt::format("'check' of preset '{}'", name))) {
        if (const YamlNode* d = v.find("max_difference")) out.max_difference = reader.number(*d, p.what("check.max_difference"), 0, 1);
        if (const YamlNode* d = v.find("max_bytes_change")) out.max_bytes_change = reader.number(*d, p.what("check.max_bytes_change"), 0, 100);
      }
    }
  }
  return out;
}

}  // namespace prerender::manifest
