#pragma once

#include <optional>
#include <string>
#include <vips/vips8>

#include "presets/preset.hpp"

namespace prerender::render {

// What an earlier run decided for a rendition, and this one encodes with: the quality (quality: auto or
// max_bytes), and whether quality: auto took full chroma (4:4:4) where the preset left it unset.
struct Decision {
  int quality = 0;
  bool full_chroma = false;
  bool operator==(const Decision&) const = default;
};

// One rendition's encode, with the quality decided: the preset's own, the highest that fits `max_bytes`,
// the one `quality: auto` finds, or one remembered from an earlier run of the same pixels and recipe.
struct Chosen {
  std::string bytes;
  int quality = 0;
  std::optional<double> score;  // butteraugli 3-norm of the bytes, when this call computed it
  bool target_missed = false;   // quality: auto could not reach its target (the budget or `max` stopped it)
  bool full_chroma = false;     // quality: auto took 4:4:4: at 4:2:0 the target was out of reach
  bool max_missed = false;      // quality: auto scored `max` within the budget, and it missed the target too
  int encodes = 0, scores = 0;  // the work it took
  Decision decision() const { return {quality, full_chroma}; }
};

// Encodes `image` (a transformed rendition) as `format` of `preset`. With `remembered`, encodes once as
// decided and scores nothing, unless the output then breaks the budget (it cannot, for the same pixels,
// recipe and toolchain) and the decision is made again.
//
// quality: auto searches at the preset's chroma subsampling. Where the preset leaves it unset (4:2:0
// for JPEG, AVIF and HEIC) and even `max` misses the target, it searches at 4:4:4 too, and takes that
// when it reaches the target or scores better: flat colour and thin coloured lines (maps, screenshots,
// logos) lose to chroma subsampling what no quality buys back, and at 4:4:4 reach the target in fewer
// bytes than 4:2:0 spends at `max`. Throws RenderError.
Chosen encode_chosen(const vips::VImage& image, const presets::Preset& preset, presets::Format format,
                     std::optional<Decision> remembered);

}  // namespace prerender::render
