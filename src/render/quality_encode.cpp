#include "render/quality_encode.hpp"

#include <map>

#include "presets/format_defaults.hpp"
#include "render/butteraugli.hpp"
#include "render/encode.hpp"
#include "render/quality_sample.hpp"
#include "render/quality_search.hpp"

namespace prerender::render {
namespace {

Chosen from_budgeted(Budgeted&& b) {
  Chosen out;
  out.bytes = std::move(b.bytes);
  out.quality = b.quality;
  out.encodes = b.encodes;
  return out;
}

SearchSpec spec_of(const presets::AutoQuality& a, presets::Format format, std::optional<std::uint64_t> max_bytes) {
  SearchSpec spec{a.target, a.min, a.max, a.start, max_bytes};
  spec.typical = presets::typical_scores(format);
  return spec;
}

// The search on the whole rendition: every encode is a candidate output, and one over the budget is never
// scored.
Chosen search_whole(const vips::VImage& image, const presets::Preset& preset, presets::EncodeSettings settings,
                    const presets::AutoQuality& a) {
  const MetricPixels reference = metric_pixels(image, preset.background);
  std::map<int, std::string> encoded;  // by quality: the chosen one's bytes are kept, never encoded twice
  int last = 0;
  const EncodeAt encode_at = [&](int q) {
    settings.quality = q;
    last = q;
    return static_cast<std::uint64_t>((encoded[q] = encode(image, settings, preset.keep)).size());
  };
  const ScoreLast score_last = [&] { return butteraugli_of_encoded(reference, encoded.at(last), preset.background); };
  const SearchResult found = search_quality(spec_of(a, settings.format, preset.max_bytes), encode_at, score_last);
  if (found.quality > 0) {
    Chosen out;
    out.bytes = std::move(encoded.at(found.quality));
    out.quality = found.quality;
    out.score = found.score;
    out.target_missed = !found.target_met;
    out.max_missed = found.max_missed;
    out.encodes = found.encodes;
    out.scores = found.scores;
    return out;
  }
  // Nothing from min up fits: the budget wins, below the bounds if it must, and the target is missed.
  settings.quality = a.min;
  Chosen out = from_budgeted(encode_within(image, settings, preset.keep, preset.max_bytes));
  out.score = butteraugli_of_encoded(reference, out.bytes, preset.background);
  out.target_missed = true;
  out.encodes += found.encodes;
  out.scores = found.scores + 1;
  return out;
}

// The search on a sample of a large rendition (render/quality_sample.hpp), then one encode of the whole at
// the quality found. The score recorded is the sample's. A budget is checked on the whole: when the
// whole at that quality is over it, the highest quality that fits wins, scored whole, and the target is
// missed.
Chosen search_sampled(const vips::VImage& image, const SearchSample& sample, const presets::Preset& preset,
                      presets::EncodeSettings settings, const presets::AutoQuality& a) {
  const MetricPixels reference = metric_pixels(sample.image, preset.background);
  std::string last;
  const EncodeAt encode_at = [&](int q) {
    settings.quality = q;
    last = encode(sample.image, settings, preset.keep);
    return static_cast<std::uint64_t>(last.size());
  };
  const ScoreLast score_last = [&] {
    return butteraugli_of_encoded(reference, last, preset.background, sample.counted);
  };
  const SearchResult found = search_quality(spec_of(a, settings.format, std::nullopt), encode_at, score_last);
  settings.quality = found.quality;
  Chosen out = from_budgeted(encode_within(image, settings, preset.keep, preset.max_bytes));
  out.score = found.score;
  out.target_missed = !found.target_met;
  out.max_missed = found.max_missed;
  out.encodes += found.encodes;
  out.scores = found.scores;
  if (out.quality != found.quality) {  // the whole broke the budget
    out.score = butteraugli_of_encoded(metric_pixels(image, preset.background), out.bytes, preset.background);
    out.target_missed = true;
    out.max_missed = false;
    ++out.scores;
  }
  return out;
}

Chosen search_at(const vips::VImage& image, const SearchSample& sample, const presets::Preset& preset,
                 const presets::EncodeSettings& settings, const presets::AutoQuality& a) {
  if (sample.whole()) return search_whole(image, preset, settings, a);
  return search_sampled(image, sample, preset, settings, a);
}

bool chooses_chroma(const presets::Preset& preset, presets::Format format) {
  return !preset.chroma && presets::has_chroma_choice(format);
}

Chosen search(const vips::VImage& image, const presets::Preset& preset, presets::EncodeSettings settings,
              const presets::AutoQuality& a) {
  const SearchSample sample = search_sample(image);
  Chosen first = search_at(image, sample, preset, settings, a);
  // Out of reach at `max` (not for want of budget: then more chroma could only cost more).
  if (!first.max_missed || !chooses_chroma(preset, settings.format) ||
      settings.chroma == presets::Chroma::s444)
    return first;
  settings.chroma = presets::Chroma::s444;
  Chosen full = search_at(image, sample, preset, settings, a);
  const int encodes = first.encodes + full.encodes, scores = first.scores + full.scores;
  const bool better = !full.target_missed || (full.score && first.score && *full.score < *first.score);
  Chosen& out = better ? full : first;
  out.full_chroma = better;
  out.encodes = encodes;
  out.scores = scores;
  return std::move(out);
}

}  // namespace

Chosen encode_chosen(const vips::VImage& image, const presets::Preset& preset, presets::Format format,
                     std::optional<Decision> remembered) {
  presets::EncodeSettings settings = presets::encode_settings(preset, format);
  if (remembered) {
    settings.quality = remembered->quality;
    const bool full_chroma = remembered->full_chroma && chooses_chroma(preset, format);
    if (full_chroma) settings.chroma = presets::Chroma::s444;
    std::string bytes = encode(image, settings, preset.keep);
    if (!preset.max_bytes || bytes.size() <= *preset.max_bytes) {
      Chosen out;
      out.bytes = std::move(bytes);
      out.quality = remembered->quality;
      out.full_chroma = full_chroma;
      out.encodes = 1;
      return out;
    }
    Chosen again = encode_chosen(image, preset, format, std::nullopt);
    ++again.encodes;
    return again;
  }
  if (const auto a = presets::auto_quality(preset, format)) return search(image, preset, settings, *a);
  return from_budgeted(encode_within(image, settings, preset.keep, preset.max_bytes));
}

}  // namespace prerender::render
