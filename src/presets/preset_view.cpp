#include "presets/preset_view.hpp"

#include <yaml-cpp/emitter.h>

#include <type_traits>

#include "presets/fields.hpp"
#include "presets/format_defaults.hpp"

namespace prerender::presets {

namespace {

// An option's value as the JSON view writes it: one overload per value type.
template <typename T>
nlohmann::json value(const T& v) {
  if constexpr (std::is_enum_v<T>)
    return name(v);
  else
    return v;
}
nlohmann::json value(const Colour& c) { return to_string(c); }
nlohmann::json value(const Edges& e) {
  return {{"top", e.top}, {"right", e.right}, {"bottom", e.bottom}, {"left", e.left}};
}
nlohmann::json value(const Crop& c) {
  if (c.aspect) return c.aspect_text;
  return {{"left", c.region->left}, {"top", c.region->top}, {"width", c.region->width}, {"height", c.region->height}};
}
nlohmann::json value(const Overlay& o) {
  return {{"image", o.image},
          {"gravity", name(o.gravity)},
          {"offset", {o.offset_x, o.offset_y}},
          {"width", o.width},
          {"opacity", o.opacity}};
}
nlohmann::json value(const Keep& k) {
  nlohmann::json out = nlohmann::json::array();
  if (k.icc) out.push_back("icc");
  if (k.copyright) out.push_back("copyright");
  if (k.exif) out.push_back("exif");
  return out;
}
nlohmann::json value(const std::vector<Format>& formats) {
  nlohmann::json out = nlohmann::json::array();
  for (Format f : formats) out.push_back(name(f));
  return out;
}
nlohmann::json value(const Quality& q) {
  if (const int* fixed = q.fixed()) return *fixed;
  const QualityAuto& a = *q.automatic();
  nlohmann::json out{{"auto", true}};
  if (a.butteraugli) out["target"] = {{"butteraugli", *a.butteraugli}};
  if (a.min) out["min"] = *a.min;
  if (a.max) out["max"] = *a.max;
  return out;
}
nlohmann::json value(const CacheControl& c) {
  nlohmann::json out = nlohmann::json::object();
  if (c.browser) out["browser"] = *c.browser;
  if (c.cdn) out["cdn"] = *c.cdn;
  if (c.surrogate) out["surrogate"] = *c.surrogate;
  return out;
}

template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};

// The encoder settings each format of the preset gets, resolved against the per-format defaults.
nlohmann::json encode_json(const Preset& p) {
  nlohmann::json encode = nlohmann::json::object();
  for (Format f : p.formats) {
    const EncodeSettings s = encode_settings(p, f);
    nlohmann::json e{{"quality", s.quality}, {"lossless", s.lossless}, {"bitdepth", s.bitdepth}};
    if (traits(f).effort_range) e["effort"] = s.effort;
    if (f == Format::jpeg) e["progressive"] = s.progressive;
    if (f == Format::jpeg || f == Format::avif || f == Format::heic) e["chroma_subsampling"] = name(s.chroma);
    if (f == Format::png) e["palette"] = s.palette;
    if (const auto a = auto_quality(p, f))
      e["quality_auto"] = {{"butteraugli", a->target}, {"min", a->min}, {"max", a->max}};
    encode[std::string(name(f))] = e;
  }
  return encode;
}

}  // namespace

nlohmann::json to_json(const Preset& p) {
  nlohmann::json out;
  for_each_field([&](const auto& field) {
    const auto& v = field.get(p);
    using T = std::remove_cvref_t<decltype(v)>;
    std::optional<nlohmann::json> shown;
    if constexpr (is_optional<T>::value) {
      if (v) shown = value(*v);
    } else if (field.shown == Shown::always || !(v == T{})) {
      shown = value(v);
    }
    if (!shown || field.shown == Shown::in_encode) return;
    if (field.group.empty())
      out[std::string(field.key)] = std::move(*shown);
    else
      out[std::string(field.group)][std::string(field.key)] = std::move(*shown);
  });
  out["encode"] = encode_json(p);
  return out;
}

namespace {

void emit(YAML::Emitter& out, const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [key, item] : value.items()) {
        out << YAML::Key << key << YAML::Value;
        emit(out, item);
      }
      out << YAML::EndMap;
      break;
    case nlohmann::json::value_t::array: {
      bool flat = true;
      for (const auto& item : value) flat = flat && !item.is_structured();
      out << (flat ? YAML::Flow : YAML::Block) << YAML::BeginSeq;
      for (const auto& item : value) emit(out, item);
      out << YAML::EndSeq;
      break;
    }
    case nlohmann::json::value_t::string: {
      const std::string& s = value.get_ref<const std::string&>();
      const bool needs_quotes = s.empty() || s.find_first_of("#:{}[],&*!|>'\"%@`") != std::string::npos;
      if (needs_quotes) out << YAML::DoubleQuoted;
      out << s;
      break;
    }
    case nlohmann::json::value_t::boolean: out << value.get<bool>(); break;
    case nlohmann::json::value_t::null: out << YAML::Null; break;
    default: out << value.dump(); break;
  }
}

}  // namespace

std::string to_yaml(const nlohmann::json& value) {
  YAML::Emitter out;
  emit(out, value);
  return std::string(out.c_str()) + "\n";
}

}  // namespace prerender::presets
