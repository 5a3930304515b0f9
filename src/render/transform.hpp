#pragma once

#include <optional>
#include <utility>
#include <vips/vips8>

#include "render/rendition.hpp"

// The pixel stages of one rendition, in order: pre-crop, trim, orientation, resize, padding and look, the
// overlay, and the flatten for formats without alpha.
namespace prerender::render {

// One frame's inputs to the stages.
struct Frame {
  const presets::Preset& preset;
  const RenditionRequest& request;
  std::optional<std::pair<double, double>> focus;  // fractions of the upright source
  double master_scale;
  Size source;  // the upright source, one frame
  double max_seconds;
  Window window;  // the part of the frame the source covers
};

// One frame through the preset's geometry and look, at output size.
vips::VImage transform(vips::VImage image, const Frame& f);

}  // namespace prerender::render
