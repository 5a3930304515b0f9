#include <doctest/doctest.h>

#include <string>
#include <vips/vips8>

#include "render/vips_util.hpp"
#include "render_support.hpp"

namespace prerender {
namespace {

// What two calls get when both fail at once, their lines written to libvips' shared buffer before either
// reads it (as two threads decoding truncated JPEGs do).
TEST_CASE("two calls failing with the same text at once each get that text, not one of them nothing") {
  const render::VipsCall first({"a.jpg", "jpeg"});
  const render::VipsCall second({"b.jpg", "jpeg"});
  vips_error("VipsJpeg", "%s", "Premature end of input file");
  vips_error("VipsJpeg", "%s", "Premature end of input file");
  const vips::VError thrown("VipsJpeg: Premature end of input file\nVipsJpeg: Premature end of input file\n");
  CHECK(first.reason(thrown) == "VipsJpeg: Premature end of input file");
  CHECK(second.reason(thrown) == "VipsJpeg: Premature end of input file");
}

}  // namespace
}  // namespace prerender
