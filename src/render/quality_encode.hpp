#pragma once

#include <optional>
#include <string>
#include <vips/vips8>

#include "presets/preset.hpp"

namespace prerender::render {

// One rendition's encode, with the quality decided: the preset's own, the highest that fits `max_bytes`,
// the one `quality: auto` finds, or one remembered from an earlier run of the same pixels and recipe.
struct Chosen {
  std::string bytes;
  int quality = 0;
  std::optional<double> score;  // butteraugli 3-norm of the bytes, when this call computed it
  bool target_missed = false;   // quality: auto could not reach its target (the budget or `max` stopped it)
  int encodes = 0, scores = 0;  // the work it took
};

// Encodes `image` (a transformed rendition) as `format` of `preset`. With `remembered`, encodes once at that
// quality and scores nothing, unless the output then breaks the budget (it cannot, for the same pixels,
// recipe and toolchain) and the decision is made again. Throws RenderError.
Chosen encode_chosen(const vips::VImage& image, const presets::Preset& preset, presets::Format format,
                     std::optional<int> remembered);

}  // namespace prerender::render
