#pragma once

#include <optional>
#include <vips/vips8>

#include "render/geometry.hpp"

namespace prerender::render {

// Lanczos-3 downsizing of 8-bit images without alpha, the resize nearly every rendition does.
//
// libvips 8.14 reduces widths with a scalar loop (a fifth of all CPU time on the real-photo workload) and
// heights with a vector path only up to a few taps. Both are done here instead, in one pass: each output
// row is first the weighted sum of the source rows under the kernel, eight samples at a time; then split
// into 16-bit planes and each output sample is a dot product of the kernel's weights with a plane, eight
// multiply-adds an instruction (SSE2; plain loops computing the same integers elsewhere). Weights are
// fixed point (14 bits, summing exactly to one); pixels past the edges repeat the edge.

// Whether lanczos_reduce takes `image`: 8-bit samples, 1 to 4 bands.
bool can_lanczos_reduce(const vips::VImage& image);

// `image` reduced to `width` x `height` (each at most its own, or its window's rounded up) with a
// Lanczos-3 kernel, returned in memory: the image's `window` (all of it when unset) mapped onto the output. The source is read once,
// top to bottom in strips, so a sequential pipeline (a decode) streams through. `max_seconds` (0: none)
// stops it with libvips' "killed" error.
vips::VImage lanczos_reduce(const vips::VImage& image, int width, int height, double max_seconds,
                            std::optional<Window> window = std::nullopt);

// `image` resized by the scales with a Lanczos-3 kernel, as vips_resize would: lanczos_reduce when both
// scales reduce an 8-bit image without alpha, libvips otherwise (premultiplied where there is alpha).
vips::VImage lanczos_resize(const vips::VImage& image, double scale_x, double scale_y, double max_seconds);

// `image`'s `window` resized to exactly `size` with a Lanczos-3 kernel: lanczos_resize by the scales
// when the window is the whole image; lanczos_reduce of the window otherwise (a window other than the
// whole image only comes from a JPEG's shrink-on-load, 8-bit without alpha, and only to be reduced).
vips::VImage resize_window(const vips::VImage& image, const Window& window, Size size, double max_seconds);

}  // namespace prerender::render
