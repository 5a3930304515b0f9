#include "render/metadata.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "render/vips_util.hpp"
#include "util/blurhash.hpp"

namespace prerender::render {
namespace {

// 8-bit RGB pixels of the first frame, fitted inside `size` x `size`.
std::vector<std::uint8_t> small_rgb(const Master& master, int size, int& width, int& height) {
  vips::VImage image =
      master.frames > 1 ? master.image.extract_area(0, 0, master.image.width(), master.page_height) : master.image;
  const double scale = std::min(1.0, static_cast<double>(size) / std::max(image.width(), image.height()));
  if (scale < 1) image = image.resize(scale);
  if (image.has_alpha())
    image = image.flatten(vips::VImage::option()->set("background", std::vector<double>{255, 255, 255}));
  if (image.bands() < 3) image = image.colourspace(VIPS_INTERPRETATION_sRGB);
  image = image.cast(VIPS_FORMAT_UCHAR);
  if (image.bands() > 3) image = image.extract_band(0, vips::VImage::option()->set("n", 3));
  std::size_t bytes = 0;
  void* data = image.write_to_memory(&bytes);
  std::vector<std::uint8_t> out(static_cast<std::uint8_t*>(data), static_cast<std::uint8_t*>(data) + bytes);
  g_free(data);
  width = image.width();
  height = image.height();
  return out;
}

}  // namespace

AssetMetadata asset_metadata(const Master& master) {
  AssetMetadata out;
  out.width = master.info.width;
  out.height = master.info.height;
  const VipsCall call;
  try {
    int width = 0, height = 0;
    const std::vector<std::uint8_t> pixels = small_rgb(master, 64, width, height);
    // Dominant colour: the fullest bucket of 16 levels per channel, averaged.
    struct Bucket {
      std::uint64_t count = 0, r = 0, g = 0, b = 0;
    };
    std::vector<Bucket> buckets(4096);
    for (std::size_t i = 0; i + 2 < pixels.size(); i += 3) {
      Bucket& bucket = buckets[(pixels[i] >> 4) << 8 | (pixels[i + 1] >> 4) << 4 | (pixels[i + 2] >> 4)];
      ++bucket.count;
      bucket.r += pixels[i];
      bucket.g += pixels[i + 1];
      bucket.b += pixels[i + 2];
    }
    const Bucket& top = *std::max_element(buckets.begin(), buckets.end(),
                                          [](const Bucket& a, const Bucket& b) { return a.count < b.count; });
    out.dominant = {static_cast<std::uint8_t>(top.r / top.count), static_cast<std::uint8_t>(top.g / top.count),
                    static_cast<std::uint8_t>(top.b / top.count), 255};
    const presets::Colour& d = out.dominant;
    const double on_black = util::contrast_ratio(d.r, d.g, d.b, 0, 0, 0);
    const double on_white = util::contrast_ratio(d.r, d.g, d.b, 255, 255, 255);
    out.text = on_black >= on_white ? presets::Colour{0, 0, 0, 255} : presets::Colour{255, 255, 255, 255};
    out.text_contrast = std::max(on_black, on_white);
    int hw = 0, hh = 0;
    const std::vector<std::uint8_t> tiny = small_rgb(master, 32, hw, hh);
    out.blurhash = util::blurhash(tiny, hw, hh);
  } catch (const vips::VError& e) {
    throw RenderError("cannot compute the asset's metadata: " + first_line(e));
  }
  return out;
}

}  // namespace prerender::render
