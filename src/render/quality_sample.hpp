#pragma once

#include <vector>
#include <vips/vips8>

#include "render/butteraugli.hpp"

namespace prerender::render {

// What `quality: auto` encodes and scores while it searches. A small rendition is searched whole. A large
// one is searched on a sample: `k_sample_tiles` tiles of 64x64 pixels spread over it on a Fibonacci
// lattice, each cut out with 8 pixels of its surroundings and laid side by side, `k_sample_across` to a
// row, the score read over the tiles alone. Tiles sit on the rendition's 16-pixel grid and keep it in the
// sample, so a JPEG or WebP encode quantises each tile's blocks as the whole rendition's encode does; the
// surroundings give the encoder's filters and butteraugli's masking the neighbours they see in the whole.
// The sample costs about a seventh of a 1280x853 rendition to encode and score, and a constant amount
// above that.
struct SearchSample {
  vips::VImage image;
  std::vector<Area> counted;  // where the score is read; empty: everywhere
  bool whole() const { return counted.empty(); }
};

inline constexpr int k_sample_tile = 64;
inline constexpr int k_sample_context = 8;
inline constexpr int k_sample_tiles = 24;
inline constexpr int k_sample_across = 8;

// Whether a frame of `width` x `height` is searched on a sample, and how many pixels the search then
// encodes and scores at a time.
bool searched_on_sample(int width, int height);
inline constexpr int k_sample_pixels =
    (k_sample_tile + 2 * k_sample_context) * (k_sample_tile + 2 * k_sample_context) * k_sample_tiles;

// The sample of `image` (materialised), or `image` itself when it has fewer than twice `k_sample_tiles`
// whole tiles or more than one frame (the metric reads the first). Depends only on the image's pixels. Throws RenderError.
SearchSample search_sample(const vips::VImage& image);

}  // namespace prerender::render
