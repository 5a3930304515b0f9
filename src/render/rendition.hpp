#pragma once

#include <optional>
#include <string>
#include <utility>

#include "render/master.hpp"

namespace prerender::render {

struct Rendered {
  std::string bytes;
  int width = 0, height = 0;  // one frame
  int frames = 1;
  int quality = 0;            // the quality used (lower than the preset's when max_bytes bisected)
  double transform_seconds = 0, encode_seconds = 0;
};

// Derives one rendition from the asset's decoded image: pre-crop, trim, rotate/flip/flop, resize by the
// preset's fit and gravity (focus = the asset's focal point, fractions of the upright source), letterbox
// or pad by embedding the resized image (never a full-size canvas), sharpen/blur/grayscale, overlay,
// alpha flattened on the background for formats without alpha, then encoded. Throws RenderError.
// The transform and each encode are stopped after `max_seconds` (0: no limit).
Rendered render_rendition(const Master& master, const RenditionRequest& request,
                          std::optional<std::pair<double, double>> focus, double max_seconds = 0);

}  // namespace prerender::render
