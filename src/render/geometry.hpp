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

// The part of the source an image's pixels stand for, in those pixels from its top-left corner (pixel x
// covers [x, x + 1)): all of them, except after a JPEG's shrink-on-load of an odd side. libvips then
// keeps 3837 / 2 rounded down, 1918 rows each standing for exactly two source rows, and drops the last
// source row; the source spans 1918.5 of them. A resize maps the window, not the pixel count, onto its
// output, or the picture drifts towards that edge by up to half a decoded pixel.
struct Window {
  double left = 0, top = 0, width = 0, height = 0;
  bool operator==(const Window&) const = default;
  static Window whole(Size size) { return {0, 0, static_cast<double>(size.width), static_cast<double>(size.height)}; }
  bool is_whole(Size size) const { return *this == whole(size); }
};

// The window of the part `box` of an image of `size` pixels, in the box's own pixels. Where the box
// reaches an edge of the image, the window keeps its own edge there.
Window cropped(const Window& window, const Box& box, Size size);

// The window once its image (`size` pixels) is rotated clockwise by `angle` (0, 90, 180 or 270) and
// then, with `flop`, mirrored left to right; or, with `flip`, top to bottom.
Window turned(const Window& window, Size size, int angle, bool flop, bool flip = false);

// The rotation and mirroring that turn an image stored with EXIF `orientation` (1 to 8) upright, as
// libvips' autorot does them: rotated clockwise by `angle`, then mirrored left to right when `flop`.
struct Upright {
  int angle = 0;
  bool flop = false;
};
Upright upright_of(int orientation);

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
