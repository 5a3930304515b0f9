#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "render/resample.hpp"
#include "render/vips_util.hpp"
#include "render_support.hpp"

namespace prerender {
namespace {

using test::fixture;

vips::VImage photo() { return vips::VImage::new_from_file(fixture("images/landscape-1.jpg").c_str()).copy_memory(); }

// The reduction of the width computed directly from its definition, in double precision: the span
// [from, from + extent) of the source columns onto `width`; output column x is centred on source column
// from + (x + 0.5) * step - 0.5 (step = extent / width), and weighs the source columns within 3 * factor
// of it by lanczos3((i - centre) / factor), factor being the step but at least 1, columns past the edges
// repeating the edge; clipped to 0..255.
std::vector<double> exact_reduction(const std::vector<double>& pixels, int in_width, int height, int bands, int width,
                                    double from, double extent) {
  auto lanczos3 = [](double x) {
    x = std::abs(x);
    if (x < 1e-9) return 1.0;
    if (x >= 3) return 0.0;
    const double px = std::numbers::pi * x;
    return 3 * std::sin(px) * std::sin(px / 3) / (px * px);
  };
  const double step = extent / width, factor = std::max(1.0, step);
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(width) * height * bands);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      for (int b = 0; b < bands; ++b) {
        const double centre = from + (x + 0.5) * step - 0.5;
        double sum = 0, weights = 0;
        for (int i = static_cast<int>(std::floor(centre - 3 * factor));
             i <= static_cast<int>(std::ceil(centre + 3 * factor)); ++i) {
          const double w = lanczos3((i - centre) / factor);
          sum += w * pixels[(static_cast<std::size_t>(y) * in_width + std::clamp(i, 0, in_width - 1)) * bands + b];
          weights += w;
        }
        out.push_back(std::clamp(sum / weights, 0.0, 255.0));
      }
  return out;
}

std::vector<double> samples_of(const vips::VImage& image) {
  const auto* data = static_cast<const unsigned char*>(image.data());
  return {data, data + static_cast<std::size_t>(image.width()) * image.height() * image.bands()};
}

std::vector<double> exact_reduction(const vips::VImage& image, int width, double from = 0, double extent = 0) {
  return exact_reduction(samples_of(image), image.width(), image.height(), image.bands(), width, from,
                         extent > 0 ? extent : image.width());
}

// Samples transposed: a height reduction is a width reduction of the transposed samples.
std::vector<double> transposed(const std::vector<double>& samples, int width, int height, int bands) {
  std::vector<double> out(samples.size());
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      for (int b = 0; b < bands; ++b)
        out[(static_cast<std::size_t>(x) * height + y) * bands + b] =
            samples[(static_cast<std::size_t>(y) * width + x) * bands + b];
  return out;
}

double largest_error(const vips::VImage& image, const std::vector<double>& exact) {
  const auto* samples = static_cast<const unsigned char*>(image.data());
  double largest = 0;
  for (std::size_t i = 0; i < exact.size(); ++i) largest = std::max(largest, std::abs(samples[i] - exact[i]));
  return largest;
}

double largest_difference(const vips::VImage& a, const vips::VImage& b) {
  return (a.cast(VIPS_FORMAT_FLOAT) - b.cast(VIPS_FORMAT_FLOAT)).abs().max();
}

// The image turned a quarter and back: a height reduction is a width reduction of the turned image.
vips::VImage turned(const vips::VImage& image) { return image.rot90().copy_memory(); }
vips::VImage turned_back(const vips::VImage& image) { return image.rot270().copy_memory(); }

}  // namespace

TEST_CASE("lanczos_reduce is the exact Lanczos-3 reduction of the width rounded to 8 bits, at any width") {
  const vips::VImage image = photo();
  REQUIRE(image.width() == 600);
  // Factors from barely over one to 600, widths with and without a remainder of four columns.
  for (const int width : {599, 451, 400, 383, 200, 97, 30, 4, 1}) {
    CAPTURE(width);
    const vips::VImage ours = render::lanczos_reduce(image, width, image.height(), 0);
    REQUIRE(ours.width() == width);
    REQUIRE(ours.height() == image.height());
    REQUIRE(ours.bands() == 3);
    // Half a level of rounding, and a little for the 14-bit weights.
    CHECK(largest_error(ours, exact_reduction(image, width)) < 0.55);
  }
}

TEST_CASE("lanczos_reduce reduces a height exactly as it reduces the width of the image turned a quarter") {
  const vips::VImage image = photo();
  REQUIRE(image.height() == 450);
  for (const int height : {449, 300, 211, 45, 7, 1}) {
    CAPTURE(height);
    const vips::VImage ours = render::lanczos_reduce(image, image.width(), height, 0);
    REQUIRE(ours.height() == height);
    REQUIRE(ours.width() == image.width());
    const vips::VImage via_width = turned_back(render::lanczos_reduce(turned(image), height, image.width(), 0));
    CHECK(largest_difference(ours, via_width) == 0);
  }
}

TEST_CASE("lanczos_reduce of both sides is the exact two-dimensional reduction to within rounding twice") {
  const vips::VImage image = photo();
  for (const auto& [width, height] : {std::pair{383, 211}, std::pair{200, 150}, std::pair{97, 300}, std::pair{30, 4}}) {
    CAPTURE(width);
    CAPTURE(height);
    const vips::VImage ours = render::lanczos_reduce(image, width, height, 0);
    REQUIRE(ours.width() == width);
    REQUIRE(ours.height() == height);
    // Height first, then width: the exact reduction of the exact reduction.
    const std::vector<double> across = transposed(samples_of(image), image.width(), image.height(), 3);
    const std::vector<double> tall = transposed(
        exact_reduction(across, image.height(), image.width(), 3, height, 0, image.height()), height, image.width(), 3);
    const std::vector<double> exact = exact_reduction(tall, image.width(), height, 3, width, 0, image.width());
    // The row sums are rounded to 8 bits before the column sums (as libvips does between its passes).
    CHECK(largest_error(ours, exact) < 1.25);
  }
}

// A JPEG's shrink-on-load of an odd side: the decoded pixels stand for a span half a pixel longer (or,
// turned upright, starting half a pixel before them).
TEST_CASE("lanczos_reduce maps a window of the image, not its pixel count, onto the output") {
  const vips::VImage image = photo();  // 600 x 450
  struct Case {
    render::Window window;
    int width, height;
  };
  for (const Case& c : {Case{{0, 0, 600, 450.5}, 600, 451}, Case{{0, 0, 600.5, 450}, 301, 225},
                        Case{{-0.5, 0, 600.5, 450}, 300, 450}, Case{{0, -0.5, 600, 450.5}, 600, 150},
                        Case{{0.25, 3, 512, 400}, 128, 100}, Case{{0, 0, 600.5, 450}, 601, 450},
                        Case{{-0.5, 0, 600.5, 450}, 601, 225}}) {
    CAPTURE(c.width);
    CAPTURE(c.height);
    const vips::VImage ours = render::lanczos_reduce(image, c.width, c.height, 0, c.window);
    REQUIRE(ours.width() == c.width);
    REQUIRE(ours.height() == c.height);
    const std::vector<double> across = transposed(samples_of(image), image.width(), image.height(), 3);
    const std::vector<double> tall = transposed(
        exact_reduction(across, image.height(), image.width(), 3, c.height, c.window.top, c.window.height), c.height,
        image.width(), 3);
    const std::vector<double> exact =
        exact_reduction(tall, image.width(), c.height, 3, c.width, c.window.left, c.window.width);
    CHECK(largest_error(ours, exact) < 1.25);
  }
  // The whole image as its window is the plain reduction, byte for byte.
  const vips::VImage plain = render::lanczos_reduce(image, 301, 225, 0);
  const vips::VImage windowed = render::lanczos_reduce(image, 301, 225, 0, render::Window::whole({600, 450}));
  CHECK(largest_difference(plain, windowed) == 0);
}

// (libvips' vertical vector path rounds its kernel more coarsely: up to 8 levels from the exact one.)
TEST_CASE("lanczos_reduce stays within two levels of libvips' own 8-bit reduction of the width") {
  const vips::VImage image = photo();
  for (const int width : {599, 400, 383, 97}) {
    CAPTURE(width);
    const vips::VImage theirs =
        image.reduceh(600.0 / width, vips::VImage::option()->set("kernel", VIPS_KERNEL_LANCZOS3));
    CHECK(largest_difference(render::lanczos_reduce(image, width, image.height(), 0), theirs) <= 2);
  }
}

TEST_CASE("lanczos_reduce keeps grey, grey with alpha and four-band images band for band") {
  const vips::VImage rgb = photo();
  const vips::VImage grey = rgb.colourspace(VIPS_INTERPRETATION_B_W).copy_memory();
  const vips::VImage grey_alpha = grey.bandjoin_const({128}).copy_memory();
  const vips::VImage four = rgb.bandjoin(rgb.extract_band(1)).copy_memory();
  for (const vips::VImage& image : {grey, grey_alpha, four}) {
    CAPTURE(image.bands());
    const vips::VImage ours = render::lanczos_reduce(image, 233, image.height(), 0);
    CHECK(ours.bands() == image.bands());
    CHECK(ours.interpretation() == image.interpretation());
    CHECK(largest_error(ours, exact_reduction(image, 233)) < 0.55);
  }
}

TEST_CASE("lanczos_reduce leaves a flat image exactly flat, edges included") {
  const vips::VImage flat =
      (vips::VImage::black(1000, 3, vips::VImage::option()->set("bands", 3)) + std::vector<double>{255, 7, 0})
          .cast(VIPS_FORMAT_UCHAR)
          .copy_memory();
  for (const auto& [width, height] : {std::pair{333, 3}, std::pair{1, 3}, std::pair{333, 2}, std::pair{1, 1}}) {
    const vips::VImage out = render::lanczos_reduce(flat, width, height, 0);
    for (int band = 0; band < 3; ++band) {
      CHECK(out.extract_band(band).min() == flat.extract_band(band).min());
      CHECK(out.extract_band(band).max() == flat.extract_band(band).max());
    }
  }
}

TEST_CASE("lanczos_reduce streams a sequential decode and keeps the source's metadata") {
  const std::string path = fixture("images/icc-adobergb.jpg").string();
  const vips::VImage in_memory = vips::VImage::new_from_file(path.c_str()).copy_memory();
  const vips::VImage streamed = render::lanczos_reduce(
      vips::VImage::new_from_file(path.c_str(), vips::VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL)),
      in_memory.width() / 3, in_memory.height() / 5, 0);
  CHECK(largest_difference(streamed,
                           render::lanczos_reduce(in_memory, in_memory.width() / 3, in_memory.height() / 5, 0)) == 0);
  REQUIRE(streamed.get_typeof(VIPS_META_ICC_NAME) != 0);
  CHECK(streamed.get_typeof(VIPS_META_ICC_NAME) == in_memory.get_typeof(VIPS_META_ICC_NAME));
}

TEST_CASE("lanczos_reduce stops with libvips' killed error once its time is up") {
  const vips::VImage image = photo();
  std::string message;
  try {
    render::lanczos_reduce(image, 300, 200, 1e-9);
  } catch (const vips::VError& e) {
    message = render::first_line(e);
  }
  CHECK(message.find("killed") != std::string::npos);
}

TEST_CASE("lanczos_resize reduces 8-bit images itself and leaves enlarging and alpha to libvips") {
  const vips::VImage image = photo();
  const vips::VImage down = render::lanczos_resize(image, 0.5, 0.25, 0);
  CHECK(down.width() == 300);
  CHECK(down.height() == 113);
  CHECK(largest_difference(down, render::lanczos_reduce(image, 300, 113, 0)) == 0);
  // Where libvips uses its kernel alone (it box-filters larger reductions down to a factor of two first),
  // the two agree.
  const vips::VImage near = render::lanczos_resize(image, 0.7, 0.6, 0);
  const vips::VImage reference =
      image.resize(0.7, vips::VImage::option()->set("vscale", 0.6)->set("kernel", VIPS_KERNEL_LANCZOS3));
  REQUIRE(near.width() == reference.width());
  REQUIRE(near.height() == reference.height());
  CHECK((near.cast(VIPS_FORMAT_FLOAT) - reference).abs().avg() < 0.25);

  const vips::VImage up = render::lanczos_resize(image, 1.5, 1.5, 0);
  CHECK(up.width() == 900);
  CHECK(up.format() == VIPS_FORMAT_UCHAR);

  // With alpha: premultiplied, so a transparent pixel's colour does not bleed into its opaque neighbour.
  const vips::VImage alpha =
      render::lanczos_resize(vips::VImage::new_from_file(fixture("images/webp-alpha.webp").c_str()), 0.5, 0.5, 0);
  CHECK(alpha.bands() == 4);
  CHECK(alpha.format() == VIPS_FORMAT_UCHAR);
}

}  // namespace prerender
