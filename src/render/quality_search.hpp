#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "presets/format_defaults.hpp"

namespace prerender::render {

// What `quality: auto` looks for: the lowest quality in [min, max] whose score (butteraugli 3-norm, lower
// is better) is at most `target`, starting at `start`, with at most `max_encodes` encodes; with a byte
// budget, only qualities whose output fits count.
struct SearchSpec {
  double target = 1.5;
  int min = 1, max = 100, start = 75;
  std::optional<std::uint64_t> max_bytes = {};
  int max_encodes = 6;
  // Close enough: a quality within `tolerance` below the target ends the search; where the target is out
  // of reach, a score within `tolerance` of the best is as good.
  double tolerance = 0.15;
  // The format's typical curve: from a single known point, the next quality is where that curve, scaled
  // through the point, meets the target. Without it, a fixed step.
  std::span<const presets::QualityPoint> typical = {};
};

struct SearchResult {
  int quality = 0;          // 0 when no quality tried fits the budget
  double score = 0;         // of `quality`
  bool target_met = false;  // false: the budget (or `max`) stopped it, and `quality` is the best that fits
  bool max_missed = false;  // `max` fitted the budget and was scored, and missed the target too
  int encodes = 0, scores = 0;
};

// Encodes at a quality and returns the output's size; the caller keeps the bytes.
using EncodeAt = std::function<std::uint64_t(int quality)>;
// Scores the encode of a quality `encode` was last called with.
using ScoreLast = std::function<double()>;

// A bracketed secant search over whole qualities, assuming the score falls as quality rises: each encode
// narrows [highest too poor + 1, lowest good enough], the next quality interpolated between the two
// in log score (or extrapolated beyond the only side known: along the typical curve from one point,
// through the two nearest from two). An output over the budget is never scored. Where no quality tried
// reaches the target, the result is the lowest one tried that scores within `tolerance` of the best one
// tried: past that, more bytes buy no difference anyone sees (lossy WebP's flat-colour graphics: a map
// at 1280 scored 4.23 at q75 and 4.16 at q95 in 54% more bytes). The result depends only on what
// `encode` and `score` return, so the same pixels always give the same quality.
SearchResult search_quality(const SearchSpec& spec, const EncodeAt& encode, const ScoreLast& score);

}  // namespace prerender::render
