#pragma once

#include <optional>
#include <string>
#include <utility>

#include "render/master.hpp"
#include "render/quality_encode.hpp"

namespace prerender::render {

struct Rendered {
  std::string bytes;
  int width = 0, height = 0;  // one frame
  int frames = 1;
  int quality = 0;              // the quality used (lower than the preset's when max_bytes bisected)
  std::optional<double> score;  // butteraugli 3-norm, when quality: auto computed it
  bool target_missed = false;   // quality: auto stopped short of its target (budget or bounds)
  bool full_chroma = false;     // quality: auto took 4:4:4 chroma (render/quality_encode.hpp)
  int encodes = 0, scores = 0;  // encodes and butteraugli computations it took
  double transform_seconds = 0, encode_seconds = 0;
};

// A rendition's pixels after the transform, in memory, before encoding.
struct Transformed {
  vips::VImage image;
  int width = 0, height = 0;  // one frame
  int frames = 1;
  double seconds = 0;
};

// Whether two renditions of `master` come out of the transform with the same pixels: the same geometry
// and look, density, frames, and alpha kept or flattened alike. They then differ only in the encoding
// (jpeg-1280 and webp-1280, or one preset's list of formats), and one transform serves both.
bool same_transform(const Master& master, const RenditionRequest& a, const RenditionRequest& b);

// The two halves of render_rendition, for renditions sharing one transform. Throw RenderError.
Transformed transform_rendition(const Master& master, const RenditionRequest& request,
                                std::optional<std::pair<double, double>> focus, double max_seconds = 0);
// `remembered`: encode once as an earlier run decided, see encode_chosen.
Rendered encode_rendition(const Transformed& transformed, const RenditionRequest& request, double max_seconds = 0,
                          std::optional<Decision> remembered = std::nullopt);

// Derives one rendition from the asset's decoded image: pre-crop, trim, rotate/flip/flop, resize by the
// preset's fit and gravity (focus = the asset's focal point, fractions of the upright source), letterbox
// or pad by embedding the resized image (never a full-size canvas), sharpen/blur/grayscale, overlay,
// alpha flattened on the background for formats without alpha, then encoded. Throws RenderError.
// The transform and each encode are stopped after `max_seconds` (0: no limit).
Rendered render_rendition(const Master& master, const RenditionRequest& request,
                          std::optional<std::pair<double, double>> focus, double max_seconds = 0);

}  // namespace prerender::render
