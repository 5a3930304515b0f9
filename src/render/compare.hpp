#pragma once

#include <filesystem>
#include <string>
#include <vips/vips8>

#include "manifest/manifest.hpp"

namespace prerender::render {

// An output file decoded for comparison: upright, sRGB (grey promoted), 8 bits per band, every frame
// stacked vertically.
struct Decoded {
  vips::VImage image;
  int width = 0, height = 0;  // one frame
  int frames = 1;
  std::string format;  // the family told from the bytes (render/sniff.hpp): "jpeg", "heif", ...
};

// Decodes a rendition or a reference under the same limits as a source (formats beyond the core ones in
// a child process). Throws RenderError naming the reason.
Decoded decode_for_comparison(const std::filesystem::path& path, const manifest::Limits& limits);

// How far `candidate` is from `reference`: 1 - the mean SSIM (Gaussian window, sigma 1.5, over R, G, B
// and alpha, colour premultiplied so that invisible pixels do not count), averaged over the full, half and
// quarter size. 0 for identical pixels; a photo re-encoded one JPEG quality step lower scores about
// 0.003-0.012, thirty steps lower 0.02-0.05.
// Both images must have the same size (Decoded images of equal frame size and frame count).
struct Comparison {
  double difference = 0;
  vips::VImage heat_map;  // when asked for: the reference faded to grey, differences painted over it
};
enum class HeatMap { no, yes };
Comparison compare(const vips::VImage& reference, const vips::VImage& candidate, HeatMap heat_map);

// A file's bytes as a browser shows them: the bytes themselves for JPEG, PNG, WebP, GIF and AVIF, a PNG
// of the first frame otherwise (HEIC, JPEG XL, TIFF). `mime` receives the content type.
// Throws RenderError when the file cannot be decoded.
std::string browser_image(const std::filesystem::path& path, const manifest::Limits& limits, std::string& mime);

// An image encoded for a report page (WebP, quality 80).
std::string report_image(const vips::VImage& image);

}  // namespace prerender::render
