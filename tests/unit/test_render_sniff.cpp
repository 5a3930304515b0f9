#include <doctest/doctest.h>
#include <filesystem>

#include "render/sniff.hpp"
#include "test_support.hpp"

using prerender::render::sniff_file;
using prerender::test::fixture;

TEST_CASE("formats are told from the bytes, whatever the file is called") {
  CHECK(sniff_file(fixture("images/landscape-1.jpg")) == "jpeg");
  CHECK(sniff_file(fixture("images/p3-8x8.png")) == "png");
  CHECK(sniff_file(fixture("images/anim-loop3.gif")) == "gif");
  CHECK(sniff_file(fixture("images/webp-alpha.webp")) == "webp");
  CHECK(sniff_file(fixture("images/svgz-logo.svgz")) == "svg");
  CHECK(sniff_file(fixture("images/bad/crash-openjpeg.jp2")) == "jp2k");
  CHECK(sniff_file(fixture("images/bad/bomb-17000x17000.avif")) == "heif");
  CHECK(sniff_file(fixture("images/bad/unsupported-ycbcr-subsampled.tif")) == "tiff");
  CHECK(sniff_file(fixture("images/bad/text-not-image.jpg")) == "unknown");  // named .jpg, holds text
  CHECK(sniff_file(fixture("images/bad/empty.jpg")) == "unknown");
}
