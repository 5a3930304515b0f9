#pragma once

#include <optional>

#include "presets/preset.hpp"

namespace prerender::render {

struct Size {
  int width = 0, height = 0;
  bool operator==(const Size&) const = default;
};

struct Box {
  int left = 0, top = 0, width = 0, height = 0;
  bool operator==(const Box&) const = default;
};

// How one rendition's image is made from an upright source of `source` pixels: scale it to `scaled`
// (non-uniformly only for fill), then for cover take a `crop` of that, or for contain place it at
// (`embed_left`, `embed_top`) on a `canvas` of the background colour. `output` is the final size
// before padding. Pure arithmetic: no libvips.
struct ResizePlan {
  Size scaled;
  std::optional<Box> crop;   // cover: the region of `scaled` kept (placed by gravity at render time)
  std::optional<Box> embed;  // contain: where `scaled` sits on the output canvas
  Size output;
  double scale_x = 1, scale_y = 1;
};

// The plan for a target box of device pixels (either side may be unset: it then follows the source's
// aspect ratio). Without `enlarge`, nothing is scaled up: when the source is smaller than the box needs,
// the box shrinks uniformly (its aspect ratio kept) until it fits the source. Every side is at least 1.
ResizePlan plan_resize(Size source, std::optional<int> box_width, std::optional<int> box_height, presets::Fit fit,
                       bool enlarge);

// Where a `crop` of size `inner` sits inside `outer` for a compass gravity (centre, north, ...), or
// centred on `focus` (fractions of `outer`) and clamped inside it.
Box place(Size outer, Size inner, presets::Gravity gravity, std::optional<std::pair<double, double>> focus = {});

// The largest box of `aspect` (width / height) inside `source`, placed by gravity.
Box aspect_crop(Size source, double aspect, presets::Gravity gravity,
                std::optional<std::pair<double, double>> focus = {});

// CSS pixels at a density, in device pixels: rounded, at least 1 (unset stays unset).
std::optional<int> device_pixels(std::optional<int> css, double dpr);

// The uniform scale a rendition needs from the upright source (largest of x and y): what its decode
// level must cover.
double needed_scale(const ResizePlan& plan);

}  // namespace prerender::render
