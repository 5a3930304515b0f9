#include <doctest/doctest.h>

#include "render/compare.hpp"
#include "render/vips_util.hpp"
#include "render_support.hpp"

namespace prerender {
namespace {

using test::fixture;

render::Decoded photo() { return render::decode_for_comparison(fixture("images/landscape-1.jpg"), manifest::Limits{}); }

}  // namespace

TEST_CASE("a photo compared with itself differs by nothing") {
  const render::Decoded a = photo();
  CHECK(a.width == 600);
  CHECK(a.height == 450);
  const render::Comparison c = render::compare(a.image, a.image, render::HeatMap::yes);
  CHECK(c.difference == doctest::Approx(0.0).epsilon(1e-6));
  CHECK(c.heat_map.width() == a.width);
  CHECK(c.heat_map.height() == a.height);
  CHECK(c.heat_map.bands() == 3);
}

TEST_CASE("a re-encode one quality step lower scores under the default tolerance and thirty steps lower over it") {
  const render::Decoded a = photo();
  auto reencoded = [&](int quality) {
    const std::string bytes = render::to_string(a.image.jpegsave_buffer(vips::VImage::option()->set("Q", quality)));
    return test::decode(bytes);
  };
  const vips::VImage q80 = reencoded(80);
  const double near = render::compare(q80, reencoded(79), render::HeatMap::no).difference;
  const double far = render::compare(q80, reencoded(50), render::HeatMap::no).difference;
  CHECK(near > 0);
  CHECK(near < 0.01);
  CHECK(far > 0.01);
  CHECK(far > 3 * near);
}

TEST_CASE("a colour shift that keeps the shapes is still a difference") {
  const render::Decoded a = photo();
  // Red and blue swapped: the same structure in luminance terms almost, very different colours.
  const vips::VImage swapped = vips::VImage::bandjoin({a.image[2], a.image[1], a.image[0]})
                                   .copy(vips::VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
  CHECK(render::compare(a.image, swapped, render::HeatMap::no).difference > 0.05);
}

TEST_CASE("the heat map is brightest where the pixels changed") {
  const render::Decoded a = photo();
  // Black out the top-left 100x100 corner.
  vips::VImage changed = a.image.copy_memory();
  changed.draw_rect({0, 0, 0}, 0, 0, 100, 100, vips::VImage::option()->set("fill", true));
  const render::Comparison c = render::compare(a.image, changed, render::HeatMap::yes);
  CHECK(c.difference > 0.01);
  auto colourfulness = [&](int left, int top) {
    const vips::VImage patch = c.heat_map.crop(left, top, 50, 50).cast(VIPS_FORMAT_FLOAT);
    // The faded reference is grey (R = G = B); painted differences are not.
    return ((patch[0] - patch[1]).abs() + (patch[1] - patch[2]).abs()).avg();
  };
  CHECK(colourfulness(25, 25) > 10 * (colourfulness(450, 350) + 1));
}

TEST_CASE("colour under fully transparent pixels does not count") {
  const vips::VImage base =
      vips::VImage::black(64, 64, vips::VImage::option()->set("bands", 3)) + std::vector<double>{200, 30, 30};
  const vips::VImage transparent = vips::VImage::black(64, 64);
  const vips::VImage red = base.bandjoin(transparent)
                               .cast(VIPS_FORMAT_UCHAR)
                               .copy(vips::VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
  const vips::VImage green =
      (vips::VImage::black(64, 64, vips::VImage::option()->set("bands", 3)) + std::vector<double>{30, 200, 30})
          .bandjoin(transparent)
          .cast(VIPS_FORMAT_UCHAR)
          .copy(vips::VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
  CHECK(render::compare(red, green, render::HeatMap::no).difference == doctest::Approx(0.0).epsilon(1e-6));
  // The same colours, opaque: a plain difference.
  const vips::VImage opaque = transparent + 255;
  const vips::VImage red_opaque = base.bandjoin(opaque).cast(VIPS_FORMAT_UCHAR);
  const vips::VImage green_opaque =
      (vips::VImage::black(64, 64, vips::VImage::option()->set("bands", 3)) + std::vector<double>{30, 200, 30})
          .bandjoin(opaque)
          .cast(VIPS_FORMAT_UCHAR);
  CHECK(render::compare(red_opaque, green_opaque, render::HeatMap::no).difference > 0.1);
}

TEST_CASE("a grey image compares with its colour twin") {
  const vips::VImage grey = photo().image.colourspace(VIPS_INTERPRETATION_B_W);
  const vips::VImage as_rgb = grey.colourspace(VIPS_INTERPRETATION_sRGB);
  CHECK(render::compare(grey, as_rgb, render::HeatMap::yes).difference < 0.001);
}

TEST_CASE("formats browsers cannot show are converted to PNG for a page") {
  test::TempDir dir;
  const render::Decoded a = photo();
  const std::filesystem::path heic = dir.path() / "x.heic";
  const std::filesystem::path jpeg = dir.path() / "x.jpg";
  a.image.write_to_file((heic.string() + "[Q=50]").c_str());
  a.image.write_to_file(jpeg.string().c_str());
  std::string mime;
  const std::string shown = render::browser_image(heic, manifest::Limits{}, mime);
  CHECK(mime == "image/png");
  CHECK(shown.substr(1, 3) == "PNG");
  CHECK(render::browser_image(jpeg, manifest::Limits{}, mime).substr(0, 3) == "\xFF\xD8\xFF");
  CHECK(mime == "image/jpeg");
}

}  // namespace prerender
