#include "render/quality_sample.hpp"

#include <algorithm>
#include <cmath>

#include "render/error.hpp"
#include "render/vips_util.hpp"

namespace prerender::render {
namespace {

struct Tile {
  int column = 0, row = 0;
};

// `count` of the `columns` x `rows` tiles, spread evenly in both directions: point s of a Fibonacci
// lattice, row by its rank and column by s times the golden ratio modulo 1; a tile already taken yields
// to the next free one in raster order.
std::vector<Tile> spread(int columns, int rows, int count) {
  const double golden = (std::sqrt(5.0) - 1) / 2;
  std::vector<bool> taken(static_cast<std::size_t>(columns) * rows);
  std::vector<Tile> out;
  for (int s = 0; s < count; ++s) {
    const int row = static_cast<int>((s + 0.5) / count * rows);
    const int column = static_cast<int>(std::fmod(s * golden, 1.0) * columns);
    std::size_t at = static_cast<std::size_t>(row) * columns + column;
    while (taken[at]) at = (at + 1) % taken.size();
    taken[at] = true;
    out.push_back({static_cast<int>(at % columns), static_cast<int>(at / columns)});
  }
  return out;
}

constexpr int k_block = k_sample_tile + 2 * k_sample_context;
static_assert(k_block % 16 == 0 && k_sample_tile % 16 == 0, "tiles keep the 16-pixel grid of JPEG and WebP");
static_assert(k_sample_tiles % k_sample_across == 0, "the sample is a full grid");

// Whole tiles across and down. Tiles start k_sample_context pixels in, so that each has its surroundings
// inside the image.
int tiles_in(int side) { return std::max(0, (side - 2 * k_sample_context) / k_sample_tile); }

}  // namespace

bool searched_on_sample(int width, int height) {
  return static_cast<long>(tiles_in(width)) * tiles_in(height) >= 2 * k_sample_tiles;
}

SearchSample search_sample(const vips::VImage& image) {
  const bool frames =
      image.get_typeof(VIPS_META_PAGE_HEIGHT) != 0 && image.get_int(VIPS_META_PAGE_HEIGHT) < image.height();
  if (frames || !searched_on_sample(image.width(), image.height())) return SearchSample{image, {}};
  const int columns = tiles_in(image.width()), rows = tiles_in(image.height());
  const VipsCall call;
  try {
    std::vector<vips::VImage> blocks;
    SearchSample out;
    for (const Tile& t : spread(columns, rows, k_sample_tiles)) {
      blocks.push_back(image.extract_area(t.column * k_sample_tile, t.row * k_sample_tile, k_block, k_block));
      const int at = static_cast<int>(out.counted.size());
      out.counted.push_back({at % k_sample_across * k_block + k_sample_context,
                             at / k_sample_across * k_block + k_sample_context, k_sample_tile, k_sample_tile});
    }
    out.image = vips::VImage::arrayjoin(blocks, vips::VImage::option()->set("across", k_sample_across)).copy_memory();
    return out;
  } catch (const vips::VError& e) {
    throw RenderError("cannot cut the quality search's sample: " + first_line(e));
  }
}

}  // namespace prerender::render
