#include "presets/format_defaults.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>

namespace prerender::presets {
namespace {

// Chosen for the web: quality where each format's visual quality roughly matches JPEG q80, chroma
// subsampling pinned (libvips would switch JPEG to 4:4:4 at q >= 90 on its own), 8-bit AVIF/HEIC
// (what browsers decode fastest), progressive JPEG (smaller above ~10 KB and shows early).
const std::array<FormatTraits, 7> k_traits{{
    {Format::jpeg, false, false, true, std::nullopt, {8}, {Format::jpeg, 80, 0, false, true, Chroma::s420, false, 8}},
    {Format::png,
     true,
     false,
     false,
     std::pair{0, 9},
     {8, 16},
     {Format::png, 100, 6, true, false, Chroma::s444, false, 8}},
    {Format::webp, true, true, true, std::pair{0, 6}, {8}, {Format::webp, 75, 4, false, false, Chroma::s420, false, 8}},
    {Format::avif,
     true,
     false,
     true,
     std::pair{0, 9},
     {8, 10, 12},
     {Format::avif, 50, 4, false, false, Chroma::s420, false, 8}},
    {Format::heic,
     true,
     false,
     true,
     std::pair{0, 9},
     {8, 10, 12},
     {Format::heic, 50, 4, false, false, Chroma::s420, false, 8}},
    {Format::jxl, true, false, true, std::pair{1, 9}, {8}, {Format::jxl, 75, 7, false, false, Chroma::s444, false, 8}},
    {Format::gif, true, true, false, std::pair{1, 10}, {8}, {Format::gif, 100, 7, true, false, Chroma::s444, true, 8}},
}};

// Median scores of the 8 photos of tests/bench/photos.txt at 1280 wide, default effort, 4:2:0, 8 bits.
constexpr std::array<QualityPoint, 7> k_typical_jpeg{
    {{30, 2.55}, {40, 2.14}, {50, 1.89}, {60, 1.71}, {70, 1.46}, {80, 1.22}, {90, 0.87}}};
constexpr std::array<QualityPoint, 7> k_typical_webp{
    {{30, 3.09}, {40, 2.73}, {50, 2.40}, {60, 2.19}, {70, 1.95}, {80, 1.55}, {90, 1.09}}};
constexpr std::array<QualityPoint, 7> k_typical_avif{
    {{30, 3.80}, {40, 2.84}, {50, 2.10}, {60, 1.58}, {70, 1.29}, {80, 1.09}, {90, 0.75}}};

// `quality: auto` per format: a 3-norm target where a difference is hard to see on a phone or laptop screen
// at 1x, and bounds that keep the search out of qualities no web page wants (measured on the fixture photos,
// README "quality: auto"). AVIF and HEIC blur rather than block, which butteraugli scores higher for the
// same look, so their target sits a little higher.
AutoQuality auto_defaults(Format format) {
  switch (format) {
    case Format::jpeg: return {1.5, 40, 95, 80};
    case Format::webp: return {1.5, 40, 95, 75};
    case Format::avif: return {1.8, 20, 90, 50};
    case Format::heic: return {1.8, 20, 90, 50};
    case Format::jxl: return {1.5, 40, 95, 75};
    case Format::png: return {1.5, 20, 100, 80};
    case Format::gif: return {1.5, 1, 100, 100};
  }
  return {};
}

}  // namespace

std::optional<AutoQuality> auto_quality(const Preset& preset, Format format) {
  const QualityAuto* automatic = preset.quality ? preset.quality->automatic() : nullptr;
  if (!automatic) return std::nullopt;
  const EncodeSettings settings = encode_settings(preset, format);
  if (settings.lossless || (!traits(format).uses_quality && !settings.palette)) return std::nullopt;
  AutoQuality out = auto_defaults(format);
  const QualityAuto& q = *automatic;
  if (q.butteraugli) out.target = *q.butteraugli;
  if (q.min) out.min = *q.min;
  if (q.max) out.max = *q.max;
  // One bound given beyond the other's default moves that default with it (the parser refuses min > max).
  if (out.min > out.max) (q.min ? out.max : out.min) = q.min ? out.min : out.max;
  const std::span<const QualityPoint> curve = typical_scores(format);
  const int start =
      curve.empty() ? settings.quality : static_cast<int>(std::lround(typical_quality(curve, out.target)));
  out.start = std::clamp(start, out.min, out.max);
  return out;
}

std::span<const QualityPoint> typical_scores(Format format) {
  switch (format) {
    case Format::jpeg: return k_typical_jpeg;
    case Format::webp: return k_typical_webp;
    case Format::avif: return k_typical_avif;
    default: return {};
  }
}

double typical_quality(std::span<const QualityPoint> curve, double score) {
  if (curve.size() == 1) return curve[0].quality;
  std::size_t i = 1;  // the first segment whose far end falls to `score` or below, else the last
  while (i + 1 < curve.size() && curve[i].score > score) ++i;
  const QualityPoint a = curve[i - 1], b = curve[i];
  const double t = (std::log(score) - std::log(a.score)) / (std::log(b.score) - std::log(a.score));
  return a.quality + t * (b.quality - a.quality);
}

double typical_score(std::span<const QualityPoint> curve, double quality) {
  if (curve.size() == 1) return curve[0].score;
  std::size_t i = 1;  // the first segment ending at `quality` or above, else the last
  while (i + 1 < curve.size() && curve[i].quality < quality) ++i;
  const QualityPoint a = curve[i - 1], b = curve[i];
  const double t = (quality - a.quality) / (b.quality - a.quality);
  return std::exp(std::log(a.score) + t * (std::log(b.score) - std::log(a.score)));
}

const FormatTraits& traits(Format format) { return k_traits[static_cast<std::size_t>(format)]; }
std::span<const FormatTraits> all_traits() { return k_traits; }

bool has_chroma_choice(Format format) {
  return format == Format::jpeg || format == Format::avif || format == Format::heic;
}

EncodeSettings encode_settings(const Preset& preset, Format format) {
  const FormatTraits& t = traits(format);
  EncodeSettings out = t.defaults;
  if (const int* fixed = preset.quality ? preset.quality->fixed() : nullptr) out.quality = *fixed;
  if (preset.effort && t.effort_range) out.effort = *preset.effort;
  if (preset.progressive) out.progressive = *preset.progressive;
  if (preset.chroma && has_chroma_choice(format)) out.chroma = *preset.chroma;
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
    out.push_back(fmt::format(
        "{} has no alpha, so background {} would come out {}; give an opaque colour such as \"#ffffff\"", name(format),
        preset.background == Colour{0, 0, 0, 0} ? std::string("'transparent'")
                                                : "'" + to_string(preset.background) + "'",
        seen == Colour{0, 0, 0, 255} ? std::string("black") : to_string(seen) + " (opaque)"));
  }
  if (preset.lossless && *preset.lossless && format == Format::jpeg) out.push_back("jpeg cannot be lossless");
  if (preset.max_bytes) {
    const EncodeSettings settings = encode_settings(preset, format);
    if (settings.lossless || (!t.uses_quality && !settings.palette))
      out.push_back(fmt::format("max_bytes needs a lossy output, and {} here is lossless", name(format)));
  }
  return out;
}

}  // namespace prerender::presets
