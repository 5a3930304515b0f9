#include <doctest/doctest.h>
#include <algorithm>
#include <array>
#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "render/metadata.hpp"
#include "render/resample.hpp"
#include "render_support.hpp"

using namespace prerender;
using test::fixture;
using test::render_file;

TEST_CASE("every fit mode gives exact output dimensions on a real photo") {
  const auto photo = fixture("images/landscape-1.jpg");  // 600x450
  struct Case {
    const char* fit;
    int w, h;
  };
  // A 300x100 box on a 4:3 photo.
  for (const Case& c : {Case{"cover", 300, 100}, Case{"contain", 300, 100}, Case{"fill", 300, 100},
                        Case{"inside", 133, 100}, Case{"outside", 300, 225}}) {
    CAPTURE(c.fit);
    const auto r = render_file(
        photo, {{"resize.width", "300"}, {"resize.height", "100"}, {"resize.fit", c.fit}, {"format", "png"}});
    const vips::VImage out = test::decode(r.bytes);
    CHECK(out.width() == c.w);
    CHECK(out.height() == c.h);
    CHECK(out.width() == r.width);
    CHECK(out.height() == r.height);
  }
}

TEST_CASE("enlarge false never upscales a small source and 1x1 and 40:1 sources render") {
  const auto small = render_file(fixture("images/landscape-1.jpg"),
                                 {{"resize.width", "1600"}, {"resize.height", "900"}, {"format", "jpeg"}});
  CHECK(small.width == 600);
  CHECK(small.height == 338);
  const auto tiny = render_file(fixture("images/tiny-1x1-prophoto.png"), {{"resize.width", "100"}, {"format", "png"}});
  CHECK(tiny.width == 1);
  CHECK(tiny.height == 1);
  // libpng warns about this file's ProPhoto profile (its PCS illuminant is not D50); nothing else may warn.
  for (const std::string& warning : test::take_warnings())
    CHECK(warning.find("PCS illuminant is not D50") != std::string::npos);
  const auto strip = render_file(fixture("images/wide-798x20.png"), {{"resize.width", "30"}, {"format", "webp"}});
  CHECK(strip.width == 30);
  CHECK(strip.height == 1);
}

TEST_CASE("EXIF orientations 1 to 8 all come out upright") {
  const auto reference = test::decode(
      render_file(fixture("images/orient/portrait-1.jpg"), {{"resize.width", "154"}, {"format", "png"}}).bytes);
  for (int n = 2; n <= 8; ++n) {
    CAPTURE(n);
    const auto r = render_file(fixture("images/orient/portrait-" + std::to_string(n) + ".jpg"),
                               {{"resize.width", "154"}, {"format", "png"}});
    const vips::VImage out = test::decode(r.bytes);
    REQUIRE(out.width() == reference.width());
    REQUIRE(out.height() == reference.height());
    // A wrong orientation differs by ~60 on this scene; JPEG noise between files is below 10.
    CHECK(test::mean_difference(out, reference) < 12);
    CHECK(out.get_typeof(VIPS_META_ORIENTATION) == 0);
  }
}

TEST_CASE("upright_of names the turn libvips' autorot makes for each EXIF orientation") {
  // 5 x 3 pixels numbered x + 10 y: any other turn or mirror puts a different number somewhere.
  const vips::VImage numbered =
      (vips::VImage::xyz(5, 3).extract_band(0) + vips::VImage::xyz(5, 3).extract_band(1) * 10).cast(VIPS_FORMAT_UCHAR);
  for (int n = 1; n <= 8; ++n) {
    CAPTURE(n);
    vips::VImage tagged = numbered.copy();
    tagged.set(VIPS_META_ORIENTATION, n);
    const vips::VImage theirs = tagged.autorot();
    const render::Upright turn = render::upright_of(n);
    vips::VImage ours = turn.angle == 90    ? numbered.rot(VIPS_ANGLE_D90)
                        : turn.angle == 180 ? numbered.rot(VIPS_ANGLE_D180)
                        : turn.angle == 270 ? numbered.rot(VIPS_ANGLE_D270)
                                            : numbered;
    if (turn.flop) ours = ours.flip(VIPS_DIRECTION_HORIZONTAL);
    REQUIRE(ours.width() == theirs.width());
    CHECK((ours.cast(VIPS_FORMAT_FLOAT) - theirs.cast(VIPS_FORMAT_FLOAT)).abs().max() == 0);
  }
}

// 449 rows shrunk on load by 2 are 224 standing for 224.5 (libvips drops the last source row). Resized
// as 224, they stand for the source's first 448 rows: the picture drifts by up to a source row towards
// the bottom, or, turned upright, towards whichever edge the bottom went to.
TEST_CASE("a JPEG with an odd side, shrunk on load, is resized with its true geometry") {
  test::TempDir dir;
  const vips::VImage photo =
      vips::VImage::new_from_file(fixture("images/landscape-1.jpg").c_str()).extract_area(0, 0, 600, 449).copy_memory();
  struct Case {
    int orientation;
    render::Window drifted;  // of the upright source: the span the rendition stood for before
    render::Box far;         // where the drift is largest: a strip along that edge, in output pixels
  };
  for (const Case& c : {Case{1, {0, 0, 600, 448}, {0, 219, 300, 6}}, Case{3, {0, 1, 600, 448}, {0, 0, 300, 6}},
                        Case{6, {1, 0, 448, 600}, {0, 0, 6, 300}}, Case{8, {0, 0, 448, 600}, {219, 0, 6, 300}}}) {
    CAPTURE(c.orientation);
    vips::VImage tagged = photo.copy();
    tagged.set(VIPS_META_ORIENTATION, c.orientation);
    const std::filesystem::path file = dir.path() / ("odd-" + std::to_string(c.orientation) + ".jpg");
    tagged.jpegsave(file.c_str(), vips::VImage::option()->set("Q", 95));  // orientation kept
    const vips::VImage upright = vips::VImage::new_from_file(file.c_str()).autorot().copy_memory();
    const bool quarter = c.orientation == 6 || c.orientation == 8;
    const vips::VImage ours = test::decode(
        render_file(file, {{quarter ? "resize.height" : "resize.width", "300"}, {"format", "png"}}).bytes);
    REQUIRE(ours.width() == (quarter ? 225 : 300));
    REQUIRE(ours.height() == (quarter ? 300 : 225));
    // The true geometry and the drifted one, each a Lanczos-3 reduction of the full-size decode.
    const vips::VImage exact = render::lanczos_reduce(upright, ours.width(), ours.height(), 0);
    const vips::VImage drifted = render::lanczos_reduce(upright, ours.width(), ours.height(), 0, c.drifted);
    auto far_difference = [&](const vips::VImage& reference) {
      const vips::VImage d = (ours.cast(VIPS_FORMAT_FLOAT) - reference.cast(VIPS_FORMAT_FLOAT)).abs();
      return d.extract_area(c.far.left, c.far.top, c.far.width, c.far.height).avg();
    };
    const double to_exact = far_difference(exact), to_drifted = far_difference(drifted);
    CAPTURE(to_exact);
    CAPTURE(to_drifted);
    // The scaled IDCT is not a Lanczos-3 filter, so neither is zero; drifted, the two swap places.
    CHECK(to_exact < 0.7 * to_drifted);
  }
}

namespace {

// Mean CIEDE2000 between our rendition and libvips' own colour-managed conversion of the full image.
double mean_delta_e(const std::filesystem::path& file) {
  const auto r = render_file(file, {{"resize.width", "100"}, {"format", "png"}});
  const vips::VImage ours = test::decode(r.bytes);
  vips::VImage full = vips::VImage::new_from_file(file.c_str());
  vips::VImage reference =
      full.icc_transform("srgb", vips::VImage::option()->set("embedded", true))
          .resize(static_cast<double>(ours.width()) / full.width(),
                  vips::VImage::option()->set("vscale", static_cast<double>(ours.height()) / full.height()));
  if (reference.has_alpha())
    reference = reference.flatten(vips::VImage::option()->set("background", std::vector<double>{255, 255, 255}));
  vips::VImage a = ours.has_alpha()
                       ? ours.flatten(vips::VImage::option()->set("background", std::vector<double>{255, 255, 255}))
                       : ours;
  return a.colourspace(VIPS_INTERPRETATION_LAB)
      .dE00(reference.cast(VIPS_FORMAT_UCHAR).colourspace(VIPS_INTERPRETATION_LAB))
      .avg();
}

}  // namespace

TEST_CASE("CMYK, Adobe RGB and Display P3 sources come out in sRGB close to a colour-managed reference") {
  // Bound: mean CIEDE2000 below 2 (barely noticeable). Treating CMYK as RGB, or ignoring the profile,
  // gives tens.
  CHECK(mean_delta_e(fixture("images/cmyk-swop.jpg")) < 2.0);
  CHECK(mean_delta_e(fixture("images/icc-adobergb.jpg")) < 2.0);
  CHECK(mean_delta_e(fixture("images/p3-8x8.png")) < 2.0);
  const auto r = render_file(fixture("images/cmyk-swop.jpg"), {{"resize.width", "100"}, {"format", "jpeg"}});
  const vips::VImage out = test::decode(r.bytes);
  CHECK(out.bands() == 3);
  CHECK(out.interpretation() == VIPS_INTERPRETATION_sRGB);
  CHECK(out.get_typeof(VIPS_META_ICC_NAME) == 0);  // stripped by default
}

TEST_CASE("alpha is flattened on the background for JPEG and kept for WebP") {
  const auto jpeg = test::decode(
      render_file(fixture("images/webp-alpha.webp"), {{"format", "jpeg"}, {"background", "#ff0000"}}).bytes);
  CHECK(jpeg.bands() == 3);
  const auto source = vips::VImage::new_from_file(fixture("images/webp-alpha.webp").c_str());
  // Find a fully transparent source pixel: it must come out as the background colour.
  const auto corner = source.getpoint(0, 0);
  REQUIRE(corner.size() == 4);
  REQUIRE(corner[3] == 0);
  const auto out = jpeg.getpoint(0, 0);
  CHECK(out[0] > 240);
  CHECK(out[1] < 20);
  CHECK(out[2] < 20);
  const auto webp = test::decode(render_file(fixture("images/webp-alpha.webp"), {{"format", "webp"}}).bytes);
  CHECK(webp.bands() == 4);
}

TEST_CASE("an animated GIF to WebP keeps its frame count with animation: keep") {
  const auto r = render_file(fixture("images/anim-loop3.gif"),
                             {{"resize.width", "100"}, {"format", "webp"}, {"animation", "keep"}});
  CHECK(r.frames == 10);
  const vips::VImage out = vips::VImage::new_from_buffer(r.bytes.data(), r.bytes.size(), "n=-1");
  CHECK(out.get_int(VIPS_META_N_PAGES) == 10);
  CHECK(out.get_int(VIPS_META_PAGE_HEIGHT) == r.height);
  CHECK(out.width() == 100);
  const auto first = render_file(fixture("images/anim-loop3.gif"), {{"resize.width", "100"}, {"format", "webp"}});
  CHECK(first.frames == 1);
  const auto jpeg = render_file(fixture("images/anim-loop3.gif"),
                                {{"resize.width", "100"}, {"format", "jpeg"}, {"animation", "keep"}});
  CHECK(jpeg.frames == 1);
}

TEST_CASE("frames of an animation are downsized each on its own, without their neighbours' rows") {
  // Two 200x200 frames, black then white; with alpha the resize is libvips' (premultiplied), without
  // it ours. Either way the row either side of the boundary must keep its own frame's colour.
  test::TempDir dir;
  for (const bool alpha : {false, true}) {
    CAPTURE(alpha);
    vips::VImage tall = vips::VImage::black(200, 400, vips::VImage::option()->set("bands", 3)).cast(VIPS_FORMAT_UCHAR);
    tall = tall.insert(
        vips::VImage::black(200, 200, vips::VImage::option()->set("bands", 3)).linear(1, 255).cast(VIPS_FORMAT_UCHAR),
        0, 200);
    if (alpha) {  // opaque but for a transparent corner, so that the GIF has an alpha band
      vips::VImage a = vips::VImage::black(200, 400).linear(1, 255).cast(VIPS_FORMAT_UCHAR);
      a = a.insert(vips::VImage::black(20, 20).cast(VIPS_FORMAT_UCHAR), 0, 0);
      tall = tall.bandjoin(a);
    }
    const auto file = dir.path() / (alpha ? "alpha.gif" : "opaque.gif");
    tall.gifsave(file.c_str(), vips::VImage::option()->set("page_height", 200));
    const render::SourceInfo info = render::probe_source(file, manifest::Limits{});
    const render::Master master = render::decode_master(file, info, 2, 2);
    REQUIRE(master.frames == 2);
    REQUIRE(master.page_height == 50);
    REQUIRE(master.image.height() == 100);
    const std::vector<double> last_of_first = master.image.getpoint(25, 49),
                              first_of_second = master.image.getpoint(25, 50);
    CHECK(last_of_first[0] == 0);
    CHECK(first_of_second[0] == 255);
  }
}

TEST_CASE("an overlay lands where its gravity says") {
  test::TempDir dir;
  const auto badge = dir.path() / "badge.png";
  (vips::VImage::black(20, 20) + std::vector<double>{0, 0, 255}).cast(VIPS_FORMAT_UCHAR).pngsave(badge.c_str());
  const auto r = render_file(fixture("images/landscape-1.jpg"), {{"resize.width", "300"},
                                                                 {"format", "png"},
                                                                 {"overlay.image", badge.string()},
                                                                 {"overlay.gravity", "southeast"},
                                                                 {"overlay.width", "0.1"},
                                                                 {"overlay.offset", "5,5"}});
  const vips::VImage out = test::decode(r.bytes);
  REQUIRE(out.width() == 300);
  // Badge: 30x30 blue, 5 px in from the bottom-right corner.
  const auto inside = out.getpoint(300 - 5 - 15, out.height() - 5 - 15);
  CHECK(inside[2] > 240);
  CHECK(inside[0] < 20);
  const auto outside = out.getpoint(10, 10);
  CHECK_FALSE((outside[2] > 240 && outside[0] < 20));
  const auto margin = out.getpoint(299, out.height() - 1);
  CHECK_FALSE((margin[2] > 240 && margin[0] < 20 && margin[1] < 20));
}

TEST_CASE("max_bytes holds, and an impossible budget names the smallest size reached") {
  const auto r =
      render_file(fixture("images/landscape-1.jpg"), {{"format", "jpeg"}, {"quality", "90"}, {"max_bytes", "20KiB"}});
  CHECK(r.bytes.size() <= 20 * 1024);
  CHECK(r.quality < 90);
  CHECK_THROWS_WITH_AS(render_file(fixture("images/landscape-1.jpg"), {{"format", "jpeg"}, {"max_bytes", "100B"}}),
                       doctest::Contains("the smallest output reached was"), render::RenderError);
}

TEST_CASE("a re-render is byte-identical") {
  for (const char* format : {"jpeg", "webp", "avif", "png"}) {
    CAPTURE(format);
    const test::Settings s{{"resize.width", "160"}, {"format", format}};
    CHECK(render_file(fixture("images/landscape-1.jpg"), s).bytes ==
          render_file(fixture("images/landscape-1.jpg"), s).bytes);
  }
}

TEST_CASE("JPEG chroma subsampling stays 4:2:0 at high quality unless asked") {
  const auto high =
      test::decode(render_file(fixture("images/landscape-1.jpg"), {{"format", "jpeg"}, {"quality", "95"}}).bytes);
  CHECK(std::string(high.get_string("jpeg-chroma-subsample")) == "4:2:0");
  const auto full = test::decode(
      render_file(fixture("images/landscape-1.jpg"), {{"format", "jpeg"}, {"chroma_subsampling", "4:4:4"}}).bytes);
  CHECK(std::string(full.get_string("jpeg-chroma-subsample")) == "4:4:4");
}

TEST_CASE("metadata is stripped unless kept") {
  const auto kept =
      test::decode(render_file(fixture("images/icc-adobergb.jpg"), {{"format", "jpeg"}, {"keep", "icc"}}).bytes);
  CHECK(kept.get_typeof(VIPS_META_ICC_NAME) != 0);
  const auto stripped = test::decode(render_file(fixture("images/icc-adobergb.jpg"), {{"format", "jpeg"}}).bytes);
  CHECK(stripped.get_typeof(VIPS_META_ICC_NAME) == 0);
  CHECK(stripped.get_typeof(VIPS_META_EXIF_NAME) == 0);
}

TEST_CASE("grey sources and cover crops with attention render") {
  const auto r = render_file(
      fixture("images/gray-concert.jpg"),
      {{"resize.width", "200"}, {"resize.height", "200"}, {"resize.gravity", "attention"}, {"format", "avif"}});
  CHECK(r.width == 200);
  CHECK(r.height == 200);
}

TEST_CASE("asset metadata: dominant colour, readable text colour, BlurHash") {
  const auto file = fixture("images/landscape-1.jpg");
  const render::SourceInfo info = render::probe_source(file, manifest::Limits{});
  const render::Master master = render::decode_master(file, info, 2, 1);
  const render::AssetMetadata m = render::asset_metadata(master);
  CHECK(m.width == 600);
  CHECK(m.height == 450);
  CHECK(m.text_contrast >= 4.5);
  CHECK(m.blurhash.size() == 28);  // 4x3 components
  CHECK(m.blurhash[0] == 'L');     // size flag for 4x3
}

TEST_CASE("every broken source fails with a reason, and none crashes") {
  for (const auto& entry : std::filesystem::directory_iterator(fixture("images/bad"))) {
    CAPTURE(entry.path().filename().string());
    CHECK_THROWS_AS(render_file(entry.path(), {{"resize.width", "100"}, {"format", "jpeg"}}), render::RenderError);
  }
  test::take_warnings();  // broken files warn by design
}

TEST_CASE("formats outside limits.formats are refused by name, before any decoder sees them") {
  CHECK_THROWS_WITH_AS(render::probe_source(fixture("images/svgz-logo.svgz"), manifest::Limits{}),
                       "format 'svg' is not allowed; list it in limits.formats to opt in", render::RenderError);
  CHECK_THROWS_WITH_AS(render::probe_source(fixture("images/bad/crash-openjpeg.jp2"), manifest::Limits{}),
                       "format 'jp2k' is not allowed; list it in limits.formats to opt in", render::RenderError);
}

TEST_CASE("an opted-in codec that aborts or hangs fails its asset in a child process, not the caller") {
  manifest::Limits limits;
  limits.formats = {"jpeg", "svg", "jp2k"};
  limits.max_seconds = 3;
  const auto crash = fixture("images/bad/crash-openjpeg.jp2");
  const render::SourceInfo info = render::probe_source(crash, limits);  // the header is fine
#if defined(__SANITIZE_ADDRESS__)
  // Under AddressSanitizer (child included) malloc is replaced and openjpeg's heap corruption no longer
  // aborts: the decode may succeed or fail, and this process must survive either way.
  try {
    render::decode_master(crash, info, 0, 1, limits);
  } catch (const render::RenderError&) {
  }
#else
  CHECK_THROWS_WITH_AS(render::decode_master(crash, info, 0, 1, limits), doctest::Contains("the decoder crashed"),
                       render::RenderError);
#endif
  CHECK_THROWS_WITH_AS(render::probe_source(fixture("images/bad/hang-truncated.svgz"), limits),
                       doctest::Contains("longer than limits.max_seconds"), render::RenderError);
  // A good opted-in source decodes through the child and renders.
  const auto logo = fixture("images/svgz-logo.svgz");
  const render::SourceInfo svg = render::probe_source(logo, limits);
  const render::Master master = render::decode_master(logo, svg, 1, 1, limits);
  CHECK(master.image.width() == 368);
  CHECK(master.image.bands() == 4);
}

TEST_CASE("a decompression bomb is refused from its header") {
  CHECK_THROWS_WITH_AS(render::probe_source(fixture("images/bad/bomb-65536x65536.png"), manifest::Limits{}),
                       doctest::Contains("over limits.max_pixels"), render::RenderError);
}

TEST_CASE("max_pixels counts every frame of an animation") {
  const auto gif = fixture("images/anim-loop3.gif");  // 10 frames of 370x285
  manifest::Limits limits;
  limits.max_pixels = 370 * 285 * 9;  // one frame fits, the ten do not
  CHECK_THROWS_WITH_AS(
      render::probe_source(gif, limits),
      "the source is 10 frames of 370x285 = 1054500 pixels, over limits.max_pixels (949050, all 10 frames "
      "counted); refused before decoding",
      render::RenderError);
  limits.max_pixels = 370 * 285 * 10;
  CHECK(render::probe_source(gif, limits).frames == 10);
}

TEST_CASE("a source is read only from a regular file, never through a symbolic link") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("prerender-unit-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::create_symlink(fixture("images/landscape-1.jpg"), dir / "link.jpg");
  REQUIRE(::mkfifo((dir / "pipe.jpg").c_str(), 0600) == 0);
  CHECK_THROWS_WITH_AS(render::probe_source(dir / "link.jpg", manifest::Limits{}),
                       "the source is a symbolic link; sources are read only from regular files", render::RenderError);
  // Refused at once: the FIFO is opened without waiting for a writer.
  CHECK_THROWS_WITH_AS(render::probe_source(dir / "pipe.jpg", manifest::Limits{}),
                       "the source is a FIFO, not a regular file", render::RenderError);
  CHECK_THROWS_WITH_AS(render::probe_source("/dev/zero", manifest::Limits{}),
                       "the source is a character device, not a regular file", render::RenderError);
  std::filesystem::remove_all(dir);
}

TEST_CASE("the decode refuses a loader other than the probe's") {
  const auto png = fixture("images/p3-8x8.png");
  render::SourceInfo info = render::probe_source(png, manifest::Limits{});
  CHECK(info.loader == "pngload_source");
  CHECK(render::decode_master(png, info, 0, 1).image.width() == 8);
  // As if a GIF had been probed and a PNG put in its place: nothing is decoded.
  info.loader = "gifload_source";
  CHECK_THROWS_WITH_AS(
      render::decode_master(png, info, 0, 1),
      "the source now loads with pngload_source, not gifload_source as probed: it changed since it was probed; refused",
      render::RenderError);
}

TEST_CASE("renditions differing only in their encoding share one transform, others do not") {
  using namespace prerender;
  const presets::Preset card = test::preset_of({{"resize.width", "160"}, {"format", "jpeg,webp,avif"}});
  const presets::Preset wider = test::preset_of({{"resize.width", "200"}, {"format", "jpeg"}});
  auto master_of = [](const char* name) {
    const render::SourceInfo info = render::probe_source(test::fixture(name), manifest::Limits{});
    return render::decode_master(test::fixture(name), info, 1, 1);
  };
  const render::Master photo = master_of("images/landscape-1.jpg");
  const render::RenditionRequest jpeg{&card, presets::Format::jpeg, 1}, webp{&card, presets::Format::webp, 1},
      avif{&card, presets::Format::avif, 1}, jpeg_2x{&card, presets::Format::jpeg, 2},
      other{&wider, presets::Format::jpeg, 1};
  CHECK(render::same_transform(photo, jpeg, webp));
  CHECK(render::same_transform(photo, webp, avif));
  CHECK_FALSE(render::same_transform(photo, jpeg, jpeg_2x));
  CHECK_FALSE(render::same_transform(photo, jpeg, other));
  // With alpha, JPEG flattens and WebP keeps it: different pixels.
  const render::Master logo = master_of("images/webp-alpha.webp");
  CHECK_FALSE(render::same_transform(logo, jpeg, webp));
  CHECK(render::same_transform(logo, webp, avif));
  // Sharing gives the very bytes rendering alone gives.
  const render::Transformed shared = render::transform_rendition(photo, jpeg, std::nullopt);
  CHECK(render::encode_rendition(shared, webp).bytes == render::render_rendition(photo, webp, std::nullopt).bytes);
}
