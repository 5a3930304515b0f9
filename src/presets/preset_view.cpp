#include "presets/preset_view.hpp"

#include <yaml-cpp/emitter.h>

#include "presets/format_defaults.hpp"

namespace prerender::presets {

nlohmann::json to_json(const Preset& p) {
  nlohmann::json out;
  nlohmann::json resize{{"fit", name(p.resize.fit)}, {"gravity", name(p.resize.gravity)}, {"enlarge", p.resize.enlarge}};
  if (p.resize.width) resize["width"] = *p.resize.width;
  if (p.resize.height) resize["height"] = *p.resize.height;
  out["resize"] = resize;
  if (p.crop) {
    if (p.crop->aspect) out["crop"] = p.crop->aspect_text;
    else out["crop"] = {{"left", p.crop->region->left}, {"top", p.crop->region->top},
                        {"width", p.crop->region->width}, {"height", p.crop->region->height}};
  }
  if (p.trim) out["trim"] = *p.trim;
  out["pad"] = {{"top", p.pad.top}, {"right", p.pad.right}, {"bottom", p.pad.bottom}, {"left", p.pad.left}};
  out["background"] = to_string(p.background);
  out["rotate"] = p.rotate;
  out["flip"] = p.flip;
  out["flop"] = p.flop;
  if (p.sharpen) out["sharpen"] = *p.sharpen;
  if (p.blur) out["blur"] = *p.blur;
  out["grayscale"] = p.grayscale;
  if (p.overlay)
    out["overlay"] = {{"image", p.overlay->image},
                      {"gravity", name(p.overlay->gravity)},
                      {"offset", {p.overlay->offset_x, p.overlay->offset_y}},
                      {"width", p.overlay->width},
                      {"opacity", p.overlay->opacity}};
  nlohmann::json keep = nlohmann::json::array();
  if (p.keep.icc) keep.push_back("icc");
  if (p.keep.copyright) keep.push_back("copyright");
  if (p.keep.exif) keep.push_back("exif");
  out["keep"] = keep;
  nlohmann::json formats = nlohmann::json::array();
  nlohmann::json encode = nlohmann::json::object();
  for (Format f : p.formats) {
    formats.push_back(name(f));
    const EncodeSettings s = encode_settings(p, f);
    nlohmann::json e{{"quality", s.quality}, {"lossless", s.lossless}, {"bitdepth", s.bitdepth}};
    if (traits(f).effort_range) e["effort"] = s.effort;
    if (f == Format::jpeg) e["progressive"] = s.progressive;
    if (f == Format::jpeg || f == Format::avif || f == Format::heic) e["chroma_subsampling"] = name(s.chroma);
    if (f == Format::png) e["palette"] = s.palette;
    if (const auto a = auto_quality(p, f)) e["quality_auto"] = {{"butteraugli", a->target}, {"min", a->min}, {"max", a->max}};
    encode[std::string(name(f))] = e;
  }
  out["format"] = formats;
  out["encode"] = encode;
  if (p.max_bytes) out["max_bytes"] = *p.max_bytes;
  out["animation"] = name(p.animation);
  out["max_frames"] = p.max_frames;
  out["dpr"] = p.dpr;
  out["check"] = {{"max_difference", p.max_difference}, {"max_bytes_change", p.max_bytes_change}};
  nlohmann::json cache = nlohmann::json::object();
  if (p.cache_control.browser) cache["browser"] = *p.cache_control.browser;
  if (p.cache_control.cdn) cache["cdn"] = *p.cache_control.cdn;
  if (p.cache_control.surrogate) cache["surrogate"] = *p.cache_control.surrogate;
  if (!cache.empty()) out["cache_control"] = cache;
  if (!p.tags.empty()) out["tags"] = p.tags;
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
