#pragma once

#include <string>
#include <vips/vips8>

#include "presets/preset.hpp"

namespace prerender::render {

// Pixels as butteraugli reads them: sRGB, 8 bits, three bands, alpha flattened on `background` (opaque),
// packed row by row.
struct MetricPixels {
  std::string rgb;
  int width = 0, height = 0;
};

// `image` (sRGB or grey, 8 bits, with or without alpha) as MetricPixels. Throws RenderError.
MetricPixels metric_pixels(const vips::VImage& image, const presets::Colour& background);

// The butteraugli 3-norm of `candidate` against `reference` (libjxl's butteraugli, its default intensity
// target): 0 for identical pixels, about 1 where a difference starts to show at normal viewing, above 2
// plainly visible. Both must have the same size. Throws RenderError when the sizes differ or libjxl fails.
double butteraugli(const MetricPixels& reference, const MetricPixels& candidate);

// The 3-norm of encoded `bytes` (decoded by libvips) against `reference`. Throws RenderError when the
// bytes do not decode to the reference's size.
double butteraugli_of_encoded(const MetricPixels& reference, const std::string& bytes,
                              const presets::Colour& background);

}  // namespace prerender::render
