#include "presets/format_defaults.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace prerender::presets {
namespace {

// Chosen for the web: quality where each format's visual quality roughly matches JPEG q80, chroma
// subsampling pinned (libvips would switch JPEG to 4:4:4 at q >= 90 on its own), 8-bit AVIF/HEIC
// (what browsers decode fastest), progressive JPEG (smaller above ~10 KB and shows early).
const std::array<FormatTraits, 7> k_traits{{
    {Format::jpeg, false, false, true, std::nullopt, {8}, {Format::jpeg, 80, 0, false, true, Chroma::s420, false, 8}},
    {Format::png, true, false, false, std::pair{0, 9}, {8, 16}, {Format::png, 100, 6, true, false, Chroma::s444, false, 8}},
    {Format::webp, true, true, true, std::pair{0, 6}, {8}, {Format::webp, 75, 4, false, false, Chroma::s420, false, 8}},
    {Format::avif, true, false, true, std::pair{0, 9}, {8, 10, 12}, {Format::avif, 50, 4, false, false, Chroma::s420, false, 8}},
    {Format::heic, true, false, true, std::pair{0, 9}, {8, 10, 12}, {Format::heic, 50, 4, false, false, Chroma::s420, false, 8}},
    {Format::jxl, true, false, true, std::pair{1, 9}, {8}, {Format::jxl, 75, 7, false, false, Chroma::s444, false, 8}},
    {Format::gif, true, true, false, std::pair{1, 10}, {8}, {Format::gif, 100, 7, true, false, Chroma::s444, true, 8}},
}};

}  // namespace

const FormatTraits& traits(Format format) { return k_traits[static_cast<std::size_t>(format)]; }
std::span<const FormatTraits> all_traits() { return k_traits; }

EncodeSettings encode_settings(const Preset& preset, Format format) {
  const FormatTraits& t = traits(format);
  EncodeSettings out = t.defaults;
  if (preset.quality) out.quality = *preset.quality;
  if (preset.effort && t.effort_range) out.effort = *preset.effort;
  if (preset.progressive) out.progressive = *preset.progressive;
  if (preset.chroma && (format == Format::jpeg || format == Format::avif || format == Format::heic))
    out.chroma = *preset.chroma;
  if (preset.bitdepth) out.bitdepth = *preset.bitdepth;
  if (preset.lossless && format != Format::jpeg && format != Format::gif) out.lossless = *preset.lossless;
  if (preset.palette && format == Format::png) out.palette = *preset.palette;
  // A PNG palette is lossy: quality then drives the quantiser.
  if (format == Format::png && out.palette) out.lossless = false;
  return out;
}

std::vector<std::string> format_problems(const Preset& preset, Format format) {
  const FormatTraits& t = traits(format);
  std::vector<std::string> out;
  if (preset.effort && t.effort_range &&
      (*preset.effort < t.effort_range->first || *preset.effort > t.effort_range->second))
    out.push_back(fmt::format("effort {} is out of range for {} ({} to {})", *preset.effort, name(format),
                              t.effort_range->first, t.effort_range->second));
  if (preset.bitdepth && std::find(t.bitdepths.begin(), t.bitdepths.end(), *preset.bitdepth) == t.bitdepths.end())
    out.push_back(fmt::format("bitdepth {} is not available for {}", *preset.bitdepth, name(format)));
  // Flattened on a colour with alpha, a format without alpha would show its RGB (black for "transparent")
  // wherever the background shows: refused rather than guessed, since any colour picked here (white?
  // the page's?) would be wrong on some page.
  if (preset.background.a < 255 && !t.has_alpha) {
    const Colour seen{preset.background.r, preset.background.g, preset.background.b, 255};
    out.push_back(fmt::format("{} has no alpha, so background {} would come out {}; give an opaque colour such as \"#ffffff\"",
                              name(format),
                              preset.background == Colour{0, 0, 0, 0} ? std::string("'transparent'") : "'" + to_string(preset.background) + "'",
                              seen == Colour{0, 0, 0, 255} ? std::string("black") : to_string(seen) + " (opaque)"));
  }
  if (preset.lossless && *preset.lossless && format == Format::jpeg)
    out.push_back("jpeg cannot be lossless");
  if (preset.max_bytes) {
    const EncodeSettings settings = encode_settings(preset, format);
    if (settings.lossless || (!t.uses_quality && !settings.palette))
      out.push_back(fmt::format("max_bytes needs a lossy output, and {} here is lossless", name(format)));
  }
  return out;
}

}  // namespace prerender::presets
