#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "presets/preset.hpp"

namespace prerender::presets {

// Everything an encoder needs, with no option left to a library default.
struct EncodeSettings {
  Format format = Format::jpeg;
  int quality = 80;
  int effort = 0;
  bool lossless = false;
  bool progressive = false;
  Chroma chroma = Chroma::s420;
  bool palette = false;
  int bitdepth = 8;
  bool operator==(const EncodeSettings&) const = default;
};

// What a format can do, and the settings it gets when a preset says nothing. This table is the one
// place where per-format defaults are decided; README "Formats" documents it.
struct FormatTraits {
  Format format;
  bool has_alpha;  // can store transparency
  bool can_animate;
  bool uses_quality;                                // quality changes the output (lossy, or palette quantisation)
  std::optional<std::pair<int, int>> effort_range;  // unset: the format has no effort setting
  std::vector<int> bitdepths;
  EncodeSettings defaults;
};

const FormatTraits& traits(Format format);
std::span<const FormatTraits> all_traits();

// Whether `format`'s encoder takes chroma_subsampling (JPEG, AVIF, HEIC).
bool has_chroma_choice(Format format);

// The preset's encoder settings for one of its formats: its own values over the format's defaults.
EncodeSettings encode_settings(const Preset& preset, Format format);

// A point of a format's typical quality curve: the median butteraugli 3-norm of photos encoded at a
// quality.
struct QualityPoint {
  int quality = 0;
  double score = 0;
};

// The format's typical curve, measured on the benchmark's 8 photos at 1280 wide (README "quality: auto"),
// falling with quality; empty for a format without one (HEIC, JPEG XL, PNG).
std::span<const QualityPoint> typical_scores(Format format);

// Where `curve` (non-empty) reaches `score`, interpolated between its points in log score and extended
// beyond its ends along the end segments.
double typical_quality(std::span<const QualityPoint> curve, double score);
// The curve's score at `quality`, the same way.
double typical_score(std::span<const QualityPoint> curve, double quality);

// `quality: auto` resolved for one format: the butteraugli 3-norm to reach, the quality bounds, and where
// the search starts (where the format's typical curve meets the target, else its fixed default).
struct AutoQuality {
  double target = 1.5;
  int min = 1, max = 100, start = 80;
  bool operator==(const AutoQuality&) const = default;
};

// The preset's `quality: auto` for `format` over the format's defaults (README "quality: auto"); nothing
// when the preset has a fixed quality or the output does not use quality (lossless, PNG without a
// palette, GIF).
std::optional<AutoQuality> auto_quality(const Preset& preset, Format format);

// Why `preset` cannot be encoded as `format` (an effort or bit depth the format does not have, a byte
// budget on a lossless output), one message each; empty when it can.
std::vector<std::string> format_problems(const Preset& preset, Format format);

}  // namespace prerender::presets
