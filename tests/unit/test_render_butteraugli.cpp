#include <doctest/doctest.h>
#include <string>

#include "presets/format_defaults.hpp"
#include "render/butteraugli.hpp"
#include "render/encode.hpp"
#include "render/error.hpp"
#include "render_support.hpp"

using namespace prerender;
using test::fixture;

namespace {

// A real photo (tests/fixtures/ATTRIBUTION.md) at 320 px wide: butteraugli costs about 0.6 CPU-s per megapixel.
vips::VImage photo() { return vips::VImage::thumbnail(fixture("images/landscape-1.jpg").c_str(), 320).copy_memory(); }

std::string jpeg_at(const vips::VImage& image, int quality) {
  presets::EncodeSettings s = presets::traits(presets::Format::jpeg).defaults;
  s.quality = quality;
  return render::encode(image, s, {});
}

const presets::Colour k_white{};

}  // namespace

TEST_CASE("butteraugli of a photo against its own pixels is zero") {
  const render::MetricPixels reference = render::metric_pixels(photo(), k_white);
  CHECK(reference.width == 320);
  CHECK(reference.rgb.size() == static_cast<std::size_t>(reference.width) * reference.height * 3);
  CHECK(render::butteraugli(reference, reference) < 0.01);
}

TEST_CASE("butteraugli scores a JPEG at quality 30 worse than at quality 90, and q90 near invisible") {
  const vips::VImage image = photo();
  const render::MetricPixels reference = render::metric_pixels(image, k_white);
  const double q90 = render::butteraugli_of_encoded(reference, jpeg_at(image, 90), k_white);
  const double q30 = render::butteraugli_of_encoded(reference, jpeg_at(image, 30), k_white);
  MESSAGE("butteraugli 3-norm: q90 " << q90 << ", q30 " << q30);
  CHECK(q90 > 0.05);
  CHECK(q90 < 1.5);
  CHECK(q30 > q90 + 0.5);
}

TEST_CASE("butteraugli refuses images of different sizes") {
  const vips::VImage image = photo();
  const render::MetricPixels a = render::metric_pixels(image, k_white);
  const render::MetricPixels b = render::metric_pixels(image.crop(0, 0, 100, 100), k_white);
  CHECK_THROWS_AS(render::butteraugli(a, b), render::RenderError);
}

TEST_CASE("butteraugli flattens alpha on the background, as a format without alpha would") {
  const vips::VImage rgba = vips::VImage::new_from_file(fixture("images/webp-alpha.webp").c_str()).copy_memory();
  REQUIRE(rgba.has_alpha());
  const render::MetricPixels on_white = render::metric_pixels(rgba, k_white);
  const render::MetricPixels on_black = render::metric_pixels(rgba, presets::Colour{0, 0, 0, 255});
  CHECK(on_white.rgb.size() == static_cast<std::size_t>(rgba.width()) * rgba.height() * 3);
  CHECK(render::butteraugli(on_white, on_black) > 1.0);
}

TEST_CASE("butteraugli scores images thinner than libjxl's 8 pixels by repeating their edges") {
  const vips::VImage banner = vips::VImage::thumbnail(fixture("images/wide-798x20.png").c_str(), 100).copy_memory();
  REQUIRE(banner.height() < 8);
  const render::MetricPixels reference = render::metric_pixels(banner, k_white);
  CHECK(reference.height == 8);
  CHECK(render::butteraugli(reference, reference) < 0.01);
  CHECK(render::butteraugli_of_encoded(reference, jpeg_at(banner.flatten(), 20), k_white) > 0.1);
}
