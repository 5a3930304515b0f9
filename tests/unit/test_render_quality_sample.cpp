#include <doctest/doctest.h>
#include <cmath>
#include <set>
#include <string>

#include "presets/format_defaults.hpp"
#include "render/butteraugli.hpp"
#include "render/encode.hpp"
#include "render/quality_encode.hpp"
#include "render/quality_sample.hpp"
#include "render_support.hpp"

using namespace prerender;

namespace {

const presets::Colour k_white{};

// A real photo (tests/fixtures/ATTRIBUTION.md) enlarged to 1280 wide: large enough to be searched on a
// sample.
vips::VImage large_photo() {
  return vips::VImage::thumbnail(test::fixture("images/landscape-1.jpg").c_str(), 1280,
                                 vips::VImage::option()->set("size", VIPS_SIZE_BOTH))
      .copy_memory();
}

std::string encoded(const vips::VImage& image, presets::Format format, int quality) {
  presets::EncodeSettings s = presets::traits(format).defaults;
  s.quality = quality;
  return render::encode(image, s, {});
}

}  // namespace

TEST_CASE("butteraugli over every pixel as one area is libjxl's own 3-norm") {
  const vips::VImage image =
      vips::VImage::thumbnail(test::fixture("images/landscape-1.jpg").c_str(), 320).copy_memory();
  const render::MetricPixels reference = render::metric_pixels(image, k_white);
  const std::string jpeg = encoded(image, presets::Format::jpeg, 40);
  const double libjxl = render::butteraugli_of_encoded(reference, jpeg, k_white);
  const render::Area all{0, 0, reference.width, reference.height};
  const double ours = render::butteraugli_of_encoded(reference, jpeg, k_white, {&all, 1});
  CHECK(libjxl > 0.5);
  CHECK(ours == doctest::Approx(libjxl).epsilon(1e-4));
  // Two halves are the same pixels as the whole.
  const render::Area halves[] = {{0, 0, reference.width, reference.height / 2},
                                 {0, reference.height / 2, reference.width, reference.height - reference.height / 2}};
  CHECK(render::butteraugli_of_encoded(reference, jpeg, k_white, halves) == doctest::Approx(libjxl).epsilon(1e-4));
  const render::Area outside{reference.width - 10, 0, 20, 10};
  CHECK_THROWS_AS(render::butteraugli_of_encoded(reference, jpeg, k_white, {&outside, 1}), render::RenderError);
}

TEST_CASE("a large rendition is searched on a sample of spread tiles, a small one whole") {
  CHECK_FALSE(render::searched_on_sample(480, 320));   // 7 x 4 whole tiles
  CHECK(render::searched_on_sample(640, 427));         // 9 x 6
  CHECK(render::searched_on_sample(1280, 720));
  CHECK_FALSE(render::searched_on_sample(100000, 70));  // no whole tile down: searched whole
  const vips::VImage small =
      vips::VImage::thumbnail(test::fixture("images/landscape-1.jpg").c_str(), 400).copy_memory();
  CHECK(render::search_sample(small).whole());

  const vips::VImage image = large_photo();
  REQUIRE(image.width() == 1280);
  const render::SearchSample sample = render::search_sample(image);
  REQUIRE_FALSE(sample.whole());
  CHECK(sample.counted.size() == static_cast<std::size_t>(render::k_sample_tiles));
  CHECK(static_cast<long>(sample.image.width()) * sample.image.height() == render::k_sample_pixels);
  // Each counted area holds the pixels of a distinct tile of the image, on its 16-pixel grid offset by the
  // context, and the tiles reach every part of it.
  std::set<std::pair<int, int>> tiles;
  int lowest_row = 1 << 30, highest_row = 0, leftmost = 1 << 30, rightmost = 0;
  for (const render::Area& a : sample.counted) {
    CHECK(a.width == render::k_sample_tile);
    const vips::VImage tile = sample.image.extract_area(a.left, a.top, a.width, a.height);
    bool found = false;
    for (int y = render::k_sample_context; y + a.height <= image.height() && !found; y += render::k_sample_tile)
      for (int x = render::k_sample_context; x + a.width <= image.width() && !found; x += render::k_sample_tile)
        if ((image.extract_area(x, y, a.width, a.height) - tile).abs().max() == 0) {
          found = tiles.insert({x, y}).second;
          lowest_row = std::min(lowest_row, y), highest_row = std::max(highest_row, y);
          leftmost = std::min(leftmost, x), rightmost = std::max(rightmost, x);
        }
    CHECK(found);
  }
  CHECK(tiles.size() == sample.counted.size());
  CHECK(lowest_row < image.height() / 4);
  CHECK(highest_row > image.height() * 3 / 4 - render::k_sample_tile);
  CHECK(leftmost < image.width() / 4);
  CHECK(rightmost > image.width() * 3 / 4 - render::k_sample_tile);
  // The same pixels give the same sample.
  const render::SearchSample again = render::search_sample(image);
  CHECK((again.image - sample.image).abs().max() == 0);
}

TEST_CASE("a sample's score stands for the whole rendition's at the same quality") {
  const vips::VImage image = large_photo();
  const render::SearchSample sample = render::search_sample(image);
  REQUIRE_FALSE(sample.whole());
  const render::MetricPixels whole = render::metric_pixels(image, k_white);
  const render::MetricPixels part = render::metric_pixels(sample.image, k_white);
  for (const presets::Format format : {presets::Format::jpeg, presets::Format::webp}) {
    for (const int quality : {40, 75}) {
      const double of_whole = render::butteraugli_of_encoded(whole, encoded(image, format, quality), k_white);
      const double of_sample =
          render::butteraugli_of_encoded(part, encoded(sample.image, format, quality), k_white, sample.counted);
      MESSAGE(presets::name(format) << " q" << quality << ": whole " << of_whole << ", sample " << of_sample);
      // Within the search's own tolerance (0.15): over the benchmark photos at 1280 and 640 the sample
      // was within 0.17 of the whole, rms 0.04.
      CHECK(std::abs(of_sample - of_whole) < 0.15);
    }
  }
}

TEST_CASE("quality: auto on a large rendition searches its sample and encodes the whole once more") {
  const vips::VImage image = large_photo();
  presets::Preset preset;
  preset.quality = presets::QualityAuto{1.5, std::nullopt, std::nullopt};
  const render::Chosen chosen = render::encode_chosen(image, preset, presets::Format::jpeg, std::nullopt);
  REQUIRE(chosen.score);
  CHECK(*chosen.score <= 1.5);
  CHECK(chosen.encodes == chosen.scores + 1);  // each sample encode scored, the whole encoded once
  const double whole = render::butteraugli_of_encoded(render::metric_pixels(image, k_white), chosen.bytes, k_white);
  MESSAGE("quality " << chosen.quality << ": sample " << *chosen.score << ", whole " << whole);
  CHECK(whole <= 1.5 + 0.1);
  CHECK(chosen.bytes == encoded(image, presets::Format::jpeg, chosen.quality));
}

TEST_CASE("a byte budget below the sampled search's choice wins, scored whole, and the target is missed") {
  const vips::VImage image = large_photo();
  presets::Preset preset;
  preset.quality = presets::QualityAuto{1.0, std::nullopt, std::nullopt};
  preset.max_bytes = 30000;
  const render::Chosen chosen = render::encode_chosen(image, preset, presets::Format::jpeg, std::nullopt);
  CHECK(chosen.bytes.size() <= 30000);
  CHECK(chosen.target_missed);
  REQUIRE(chosen.score);
  const double whole = render::butteraugli_of_encoded(render::metric_pixels(image, k_white), chosen.bytes, k_white);
  CHECK(*chosen.score == doctest::Approx(whole));
}

TEST_CASE("the typical curves fall with quality, and invert") {
  for (const presets::Format format : {presets::Format::jpeg, presets::Format::webp, presets::Format::avif}) {
    const auto curve = presets::typical_scores(format);
    REQUIRE(curve.size() >= 2);
    for (std::size_t i = 1; i < curve.size(); ++i) CHECK(curve[i].score < curve[i - 1].score);
    for (const double q : {20.0, 45.0, 62.5, 95.0})
      CHECK(presets::typical_quality(curve, presets::typical_score(curve, q)) == doctest::Approx(q));
  }
  CHECK(presets::typical_scores(presets::Format::heic).empty());
  // The search starts where the curve meets the target: JPEG at 1.5 between q60 (1.71) and q70 (1.46).
  const presets::Preset preset = test::preset_of({{"format", "jpeg"}, {"quality", "auto"}});
  const auto a = presets::auto_quality(preset, presets::Format::jpeg);
  REQUIRE(a);
  CHECK(a->start > 60);
  CHECK(a->start < 70);
}
