#pragma once

#include <span>
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

// A rectangle of pixels.
struct Area {
  int left = 0, top = 0, width = 0, height = 0;
};

// The butteraugli 3-norm of `candidate` against `reference` (libjxl's butteraugli, its default intensity
// target): 0 for identical pixels, about 1 where a difference starts to show at normal viewing, above 2
// plainly visible. With `counted`, the norm is taken over those areas' pixels alone (the differences are
// still computed over the whole image, so a pixel's neighbours beyond its area count as they do in
// libjxl). Both must have the same size. Throws RenderError when the sizes differ or libjxl fails.
double butteraugli(const MetricPixels& reference, const MetricPixels& candidate, std::span<const Area> counted = {});

// The 3-norm of encoded `bytes` (decoded by libvips) against `reference`, over `counted` when given.
// Throws RenderError when the bytes do not decode to the reference's size.
double butteraugli_of_encoded(const MetricPixels& reference, const std::string& bytes,
                              const presets::Colour& background, std::span<const Area> counted = {});

}  // namespace prerender::render
