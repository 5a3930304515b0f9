#include <doctest/doctest.h>

#include "render/encode.hpp"
#include "render/jpeg_quality.hpp"
#include "test_support.hpp"
#include "util/files.hpp"

namespace prerender {
namespace {

using test::fixture;

std::string encoded(const char* image, int quality, presets::Chroma chroma = presets::Chroma::s420) {
  presets::EncodeSettings settings;
  settings.format = presets::Format::jpeg, settings.quality = quality, settings.chroma = chroma;
  return render::encode(vips::VImage::new_from_file(fixture(image).c_str()), settings, presets::Keep{});
}

}  // namespace

TEST_CASE("the quality of a JPEG this tool encoded is read back from its quantization tables") {
  for (int quality : {1, 2, 30, 49, 50, 51, 70, 85, 99, 100}) {
    CAPTURE(quality);
    CHECK(render::jpeg_quality(encoded("images/landscape-1.jpg", quality)) == quality);
  }
  // Grey: one table only. Full chroma: same tables.
  CHECK(render::jpeg_quality(encoded("images/gray-concert.jpg", 40)) == 40);
  CHECK(render::jpeg_quality(encoded("images/landscape-1.jpg", 77, presets::Chroma::s444)) == 77);
}

TEST_CASE("a JPEG quality is unknown for other formats, cut files and tables of another encoder") {
  CHECK_FALSE(render::jpeg_quality(util::read_file(fixture("images/webp-alpha.webp"))));
  CHECK_FALSE(render::jpeg_quality(""));
  const std::string jpeg = encoded("images/landscape-1.jpg", 70);
  CHECK_FALSE(render::jpeg_quality(jpeg.substr(0, 100)));  // cut inside the tables
  // One value of the luminance table changed: no libjpeg quality gives these tables.
  std::string edited = jpeg;
  const auto dqt = edited.find("\xFF\xDB");
  REQUIRE(dqt != std::string::npos);
  edited[dqt + 5 + 10] = static_cast<char>(static_cast<unsigned char>(edited[dqt + 5 + 10]) + 1);
  CHECK_FALSE(render::jpeg_quality(edited));
}

}  // namespace prerender
