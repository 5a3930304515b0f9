#include "render/quality_search.hpp"

#include <algorithm>
#include <cmath>

namespace prerender::render {
namespace {

struct Point {
  int quality = 0;
  double score = 0;
};

// The step taken from a single known point: about the width over which a JPEG's 3-norm halves.
constexpr int k_step = 12;

// The next quality to try inside [lo, hi], or nothing when the search is done.
std::optional<int> next_quality(const std::optional<Point>& good, const std::optional<Point>& poor,
                                const std::optional<Point>& previous_poor, const std::optional<Point>& previous_good,
                                double target, int lo, int hi) {
  if (lo > hi) return std::nullopt;
  double q = 0;
  if (good && poor) {
    // Linear between the bracket's ends, kept one step inside them so that the bracket always shrinks.
    const double t = (poor->score - target) / std::max(1e-9, poor->score - good->score);
    q = poor->quality + t * (good->quality - poor->quality);
  } else if (poor) {
    // Secant through the two poorest points when there are two, else one step up.
    double slope = 0;
    if (previous_poor && previous_poor->quality != poor->quality)
      slope = (poor->score - previous_poor->score) / (poor->quality - previous_poor->quality);
    q = slope < -1e-6 ? poor->quality + (target - poor->score) / slope + 1 : poor->quality + k_step;
  } else if (good) {
    double slope = 0;
    if (previous_good && previous_good->quality != good->quality)
      slope = (good->score - previous_good->score) / (good->quality - previous_good->quality);
    q = slope < -1e-6 ? good->quality + (target - good->score) / slope : good->quality - k_step;
  } else {
    q = (lo + hi) / 2.0;  // only over-budget points so far
  }
  return std::clamp(static_cast<int>(std::lround(q)), lo, hi);
}

}  // namespace

SearchResult search_quality(const SearchSpec& spec, const EncodeAt& encode, const ScoreLast& score) {
  SearchResult out;
  std::optional<Point> good, poor, previous_good, previous_poor, best_fitting;
  int too_big = spec.max + 1;  // the lowest quality known not to fit
  std::optional<int> q = std::clamp(spec.start, spec.min, spec.max);
  while (q && out.encodes < spec.max_encodes) {
    const std::uint64_t bytes = encode(*q);
    ++out.encodes;
    if (spec.max_bytes && bytes > *spec.max_bytes) {
      too_big = std::min(too_big, *q);
    } else {
      const Point p{*q, score()};
      ++out.scores;
      if (!best_fitting || p.score < best_fitting->score) best_fitting = p;
      if (p.score <= spec.target) {
        previous_good = good;
        good = p;
      } else {
        previous_poor = poor;
        poor = p;
      }
    }
    if (good && good->score >= spec.target - spec.tolerance) break;
    const int lo = poor ? poor->quality + 1 : spec.min;
    const int hi = std::min(good ? good->quality - 1 : spec.max, too_big - 1);
    q = next_quality(good, poor, previous_poor, previous_good, spec.target, lo, hi);
  }
  if (good) {
    out.quality = good->quality;
    out.score = good->score;
    out.target_met = true;
  } else if (best_fitting) {
    out.quality = best_fitting->quality;
    out.score = best_fitting->score;
  }
  return out;
}

}  // namespace prerender::render
