#include <doctest/doctest.h>
#include <set>
#include <string>
#include <vector>

#include "container_metadata.hpp"
#include "render/encode.hpp"
#include "render/runtime.hpp"
#include "render_support.hpp"

using namespace prerender;
using test::fixture;
using test::render_file;

namespace {

// An iPhone photo, downscaled with its EXIF (camera, lens, dates, GPS), its XMP packet and its ICC
// profile (tests/fixtures/ATTRIBUTION.md).
const char* const k_camera = "images/camera-exif-gps-xmp-icc.jpg";

std::vector<std::string> writable() {
  std::vector<std::string> formats = render::writable_formats();
  std::string list;
  for (const std::string& f : formats) list += " " + f;
  MESSAGE("formats this libvips writes:" << list);
  return formats;
}

std::string kinds(const test::ContainerMetadata& m) {
  std::string out;
  for (const std::string& k : m.kinds) out += (out.empty() ? "" : " ") + k;
  return out;
}

// JPEG XL keeps colour inside its codestream, where the container walk does not look, and its decoder
// makes up a profile when none is stored; libjxl writes a profile it recognises (libvips' sRGB) as a
// colour encoding of a few bytes. A profile handed to the encoder shows in the size only (the same pixels
// and settings: 1633 bytes without, 1645 with).
std::size_t jxl_size(const std::vector<std::pair<std::string, std::string>>& extra) {
  test::Settings settings{{"resize.width", "64"}, {"format", "jxl"}};
  settings.insert(settings.end(), extra.begin(), extra.end());
  return render_file(fixture(k_camera), settings).bytes.size();
}

constexpr unsigned k_tag_make = 0x010F, k_tag_model = 0x0110, k_tag_copyright = 0x8298, k_tag_gps = 0x8825,
                   k_tag_date_original = 0x9003;

}  // namespace

TEST_CASE("no output format carries metadata that was not kept") {
  // The fixture has it all, and a rendition keeping everything shows that each container can hold it.
  const vips::VImage source = vips::VImage::new_from_file(fixture(k_camera).c_str());
  REQUIRE(source.get_typeof(VIPS_META_EXIF_NAME) != 0);
  REQUIRE(source.get_typeof(VIPS_META_XMP_NAME) != 0);
  REQUIRE(source.get_typeof(VIPS_META_ICC_NAME) != 0);
  REQUIRE(source.get_typeof("exif-ifd3-GPSLatitude") != 0);
  for (const std::string& format : writable()) {
    CAPTURE(format);
    const render::Rendered r = render_file(fixture(k_camera), {{"resize.width", "64"}, {"format", format}});
    const test::ContainerMetadata m = test::container_metadata(r.bytes);
    CHECK_MESSAGE(m.kinds.empty(), kinds(m));
  }
}

TEST_CASE("keep icc keeps the ICC profile alone, keep exif the EXIF alone (GPS included)") {
  for (const std::string& format : writable()) {
    CAPTURE(format);
    const render::Rendered r =
        render_file(fixture(k_camera), {{"resize.width", "64"}, {"format", format}, {"keep", "icc"}});
    const test::ContainerMetadata m = test::container_metadata(r.bytes);
    if (format == "gif") {
      CHECK_MESSAGE(m.kinds.empty(), kinds(m));  // libvips' GIF saver writes no profile
    } else if (format == "jxl") {
      CHECK_MESSAGE(m.kinds.empty(), kinds(m));
      CHECK(jxl_size({}) < r.bytes.size());
    } else if (format == "heic") {
      // libvips 8.14's HEIF saver writes every kept item only with strip off, and then always adds an
      // EXIF item it makes up (orientation, resolution, dimensions): no camera, date or GPS tag.
      CHECK(m.has("icc"));
      CHECK_FALSE(m.has("xmp"));
      MESSAGE("heic keeping icc carries: " << kinds(m));
      CHECK_MESSAGE((m.kinds == std::set<std::string>{"icc"} || m.kinds == std::set<std::string>{"icc", "exif"}),
                    kinds(m));
    } else {
      CHECK_MESSAGE(m.kinds == std::set<std::string>{"icc"}, kinds(m));
    }
  }
  // The EXIF alone: the camera and its GPS stay when asked for.
  for (const std::string& format : writable()) {
    if (format == "gif" || format == "jxl") continue;  // libvips 8.14 writes no EXIF to these
    CAPTURE(format);
    const render::Rendered r =
        render_file(fixture(k_camera), {{"resize.width", "64"}, {"format", format}, {"keep", "exif"}});
    const test::ContainerMetadata m = test::container_metadata(r.bytes);
    CHECK_MESSAGE(m.kinds == std::set<std::string>{"exif"}, kinds(m));
    if (!m.exif.empty()) {
      const std::set<unsigned> tags = test::container_detail::exif_tags(m.exif);
      CHECK(tags.count(k_tag_make) == 1);
      CHECK(tags.count(k_tag_gps) == 1);
    }
  }
}

TEST_CASE("keep copyright keeps the EXIF copyright tag alone, and no EXIF when there is none") {
  // The camera photo has no copyright notice: nothing is kept at all.
  for (const std::string format : {"jpeg", "png", "webp"}) {
    CAPTURE(format);
    const auto r = render_file(fixture(k_camera), {{"resize.width", "64"}, {"format", format}, {"keep", "copyright"}});
    const test::ContainerMetadata m = test::container_metadata(r.bytes);
    CHECK_MESSAGE(m.kinds.empty(), kinds(m));
  }
  // The same photo with a copyright notice: the notice stays, the camera, dates and GPS go.
  const render::SourceInfo info = render::probe_source(fixture(k_camera), manifest::Limits{});
  const render::Master master = render::decode_master(fixture(k_camera), info, 0.5, 1);
  vips::VImage signed_photo = master.image.copy();
  signed_photo.set("exif-ifd0-Copyright", "Jane Doe");
  for (presets::Format format : {presets::Format::jpeg, presets::Format::png, presets::Format::webp}) {
    const std::string name(presets::name(format));
    CAPTURE(name);
    presets::Keep keep;
    keep.copyright = true;
    const std::string bytes = render::encode(signed_photo, presets::traits(format).defaults, keep);
    const test::ContainerMetadata m = test::container_metadata(bytes);
    CHECK_MESSAGE(m.kinds == std::set<std::string>{"exif"}, kinds(m));
    const std::set<unsigned> tags = test::container_detail::exif_tags(m.exif);
    CHECK(tags.count(k_tag_copyright) == 1);
    CHECK(m.exif.find("Jane Doe") != std::string::npos);
    CHECK(tags.count(k_tag_make) == 0);
    CHECK(tags.count(k_tag_model) == 0);
    CHECK(tags.count(k_tag_gps) == 0);
    CHECK(tags.count(k_tag_date_original) == 0);
  }
  // A real copyright notice (and IPTC, and a grey ICC profile) on a concert photo: only the notice stays.
  const auto concert = render_file(fixture("images/gray-concert.jpg"),
                                   {{"resize.width", "64"}, {"format", "webp"}, {"keep", "copyright"}});
  const test::ContainerMetadata m = test::container_metadata(concert.bytes);
  CHECK_MESSAGE(m.kinds == std::set<std::string>{"exif"}, kinds(m));
  CHECK(m.exif.find("Marsel Minga") != std::string::npos);
}
