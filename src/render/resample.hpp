#pragma once

#include <vips/vips8>

namespace prerender::render {

// Lanczos-3 downsizing of 8-bit images without alpha, the resize nearly every rendition does.
//
// libvips 8.14 vectorises its vertical pass but reduces widths with a scalar loop, which was a fifth of
// all CPU time on the real-photo workload. The width is reduced here instead: each row is split into
// 16-bit planes with its edges extended, and every output sample is a fixed-point dot product of the
// kernel's weights (14 bits, summing exactly to one) with the planes, eight multiply-adds an instruction
// (SSE2; a plain loop computing the same integers elsewhere). The height stays with libvips.

// Whether reduce_width takes `image`: 8-bit samples, 1 to 4 bands.
bool can_reduce_width(const vips::VImage& image);

// `image` reduced to `width` columns (at most its own width) with a Lanczos-3 kernel, pixels past the
// edges repeating the edge; read in strips of rows, so a sequential pipeline (a decode) streams through,
// and returned in memory. `max_seconds` (0: none) stops it, and the pipeline it reads, with libvips'
// "killed" error.
vips::VImage reduce_width(const vips::VImage& image, int width, double max_seconds);

// `image` resized by the scales with a Lanczos-3 kernel, as vips_resize would: the fast path above when
// both scales reduce an 8-bit image without alpha, libvips otherwise (premultiplied where there is alpha).
vips::VImage lanczos_resize(const vips::VImage& image, double scale_x, double scale_y, double max_seconds);

}  // namespace prerender::render
