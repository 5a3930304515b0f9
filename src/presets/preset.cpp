#include "presets/preset.hpp"

#include <fmt/format.h>

namespace prerender::presets {

std::string_view extension(Format format) { return format == Format::jpeg ? "jpg" : name(format); }

std::string_view content_type(Format format) {
  switch (format) {
    case Format::jpeg: return "image/jpeg";
    case Format::png: return "image/png";
    case Format::webp: return "image/webp";
    case Format::avif: return "image/avif";
    case Format::heic: return "image/heic";
    case Format::jxl: return "image/jxl";
    case Format::gif: return "image/gif";
  }
  return "application/octet-stream";
}

std::string to_string(Colour colour) {
  if (colour.a == 255) return fmt::format("#{:02x}{:02x}{:02x}", colour.r, colour.g, colour.b);
  return fmt::format("#{:02x}{:02x}{:02x}{:02x}", colour.r, colour.g, colour.b, colour.a);
}

namespace {

template <typename T>
void take(std::optional<T>& out, const std::optional<T>& parent, const std::optional<T>& child) {
  out = child ? child : parent;
}

}  // namespace

PresetSpec merge(const PresetSpec& parent, const PresetSpec& child) {
  PresetSpec out;
  out.extends = child.extends;
  take(out.resize.width, parent.resize.width, child.resize.width);
  take(out.resize.height, parent.resize.height, child.resize.height);
  take(out.resize.fit, parent.resize.fit, child.resize.fit);
  take(out.resize.gravity, parent.resize.gravity, child.resize.gravity);
  take(out.resize.enlarge, parent.resize.enlarge, child.resize.enlarge);
  take(out.crop, parent.crop, child.crop);
  take(out.trim, parent.trim, child.trim);
  take(out.pad, parent.pad, child.pad);
  take(out.background, parent.background, child.background);
  take(out.rotate, parent.rotate, child.rotate);
  take(out.flip, parent.flip, child.flip);
  take(out.flop, parent.flop, child.flop);
  take(out.sharpen, parent.sharpen, child.sharpen);
  take(out.blur, parent.blur, child.blur);
  take(out.grayscale, parent.grayscale, child.grayscale);
  take(out.overlay, parent.overlay, child.overlay);
  take(out.keep, parent.keep, child.keep);
  take(out.formats, parent.formats, child.formats);
  take(out.quality, parent.quality, child.quality);
  take(out.quality_auto, parent.quality_auto, child.quality_auto);
  // A fixed quality and `quality: auto` exclude each other: the child's choice wins.
  if (child.quality && !child.quality_auto) out.quality_auto.reset();
  if (child.quality_auto && !child.quality) out.quality.reset();
  take(out.effort, parent.effort, child.effort);
  take(out.bitdepth, parent.bitdepth, child.bitdepth);
  take(out.lossless, parent.lossless, child.lossless);
  take(out.progressive, parent.progressive, child.progressive);
  take(out.palette, parent.palette, child.palette);
  take(out.chroma, parent.chroma, child.chroma);
  take(out.max_bytes, parent.max_bytes, child.max_bytes);
  take(out.animation, parent.animation, child.animation);
  take(out.max_frames, parent.max_frames, child.max_frames);
  take(out.dpr, parent.dpr, child.dpr);
  take(out.max_difference, parent.max_difference, child.max_difference);
  take(out.max_bytes_change, parent.max_bytes_change, child.max_bytes_change);
  if (parent.cache_control && child.cache_control) {  // key by key, as resize
    out.cache_control = child.cache_control;
    take(out.cache_control->browser, parent.cache_control->browser, child.cache_control->browser);
    take(out.cache_control->cdn, parent.cache_control->cdn, child.cache_control->cdn);
    take(out.cache_control->surrogate, parent.cache_control->surrogate, child.cache_control->surrogate);
  } else {
    take(out.cache_control, parent.cache_control, child.cache_control);
  }
  take(out.tags, parent.tags, child.tags);
  return out;
}

Preset resolve(std::string name, const PresetSpec& spec) {
  Preset out;
  out.name = std::move(name);
  out.resize.width = spec.resize.width;
  out.resize.height = spec.resize.height;
  out.resize.fit = spec.resize.fit.value_or(out.resize.fit);
  out.resize.gravity = spec.resize.gravity.value_or(out.resize.gravity);
  out.resize.enlarge = spec.resize.enlarge.value_or(out.resize.enlarge);
  out.crop = spec.crop;
  if (spec.trim && *spec.trim > 0) out.trim = spec.trim;
  out.pad = spec.pad.value_or(out.pad);
  out.background = spec.background.value_or(out.background);
  out.rotate = spec.rotate.value_or(0);
  out.flip = spec.flip.value_or(false);
  out.flop = spec.flop.value_or(false);
  if (spec.sharpen && *spec.sharpen > 0) out.sharpen = spec.sharpen;
  if (spec.blur && *spec.blur > 0) out.blur = spec.blur;
  out.grayscale = spec.grayscale.value_or(false);
  out.overlay = spec.overlay;
  out.keep = spec.keep.value_or(out.keep);
  out.formats = spec.formats.value_or(out.formats);
  out.quality = spec.quality_auto ? std::nullopt : spec.quality;
  out.quality_auto = spec.quality_auto;
  out.effort = spec.effort;
  out.bitdepth = spec.bitdepth;
  out.lossless = spec.lossless;
  out.progressive = spec.progressive;
  out.palette = spec.palette;
  out.chroma = spec.chroma;
  out.max_bytes = spec.max_bytes;
  out.animation = spec.animation.value_or(out.animation);
  out.max_frames = spec.max_frames.value_or(out.max_frames);
  out.dpr = spec.dpr.value_or(out.dpr);
  out.max_difference = spec.max_difference.value_or(out.max_difference);
  out.max_bytes_change = spec.max_bytes_change.value_or(out.max_bytes_change);
  out.cache_control = spec.cache_control.value_or(out.cache_control);
  out.tags = spec.tags.value_or(out.tags);
  return out;
}

}  // namespace prerender::presets

namespace prerender::presets {

PresetSpec to_spec(const Preset& p) {
  PresetSpec s;
  s.resize = {p.resize.width, p.resize.height, p.resize.fit, p.resize.gravity, p.resize.enlarge};
  s.crop = p.crop;
  s.trim = p.trim;
  s.pad = p.pad;
  s.background = p.background;
  s.rotate = p.rotate;
  s.flip = p.flip;
  s.flop = p.flop;
  s.sharpen = p.sharpen;
  s.blur = p.blur;
  s.grayscale = p.grayscale;
  s.overlay = p.overlay;
  s.keep = p.keep;
  s.formats = p.formats;
  s.quality = p.quality;
  s.quality_auto = p.quality_auto;
  s.effort = p.effort;
  s.bitdepth = p.bitdepth;
  s.lossless = p.lossless;
  s.progressive = p.progressive;
  s.palette = p.palette;
  s.chroma = p.chroma;
  s.max_bytes = p.max_bytes;
  s.animation = p.animation;
  s.max_frames = p.max_frames;
  s.dpr = p.dpr;
  s.max_difference = p.max_difference;
  s.max_bytes_change = p.max_bytes_change;
  s.cache_control = p.cache_control;
  s.tags = p.tags;
  return s;
}

}  // namespace prerender::presets
