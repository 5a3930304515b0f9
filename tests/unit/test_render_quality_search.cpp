#include <doctest/doctest.h>
#include <cmath>
#include <set>
#include <span>
#include <string>

#include "presets/format_defaults.hpp"
#include "render/butteraugli.hpp"
#include "render/encode.hpp"
#include "render/estimate.hpp"
#include "render/quality_encode.hpp"
#include "render/quality_search.hpp"
#include "render/source.hpp"
#include "render_support.hpp"

using namespace prerender;
using render::SearchResult;
using render::SearchSpec;

namespace {

// A fake encoder: its score falls with quality as `curve` says, its size grows 1000 bytes a step; it
// counts what was asked of it.
struct Fake {
  std::function<double(int)> curve;
  int last = 0, encodes = 0, scores = 0;
  std::set<int> scored = {};
  SearchResult run(const SearchSpec& spec) {
    return render::search_quality(
        spec,
        [this](int q) {
          ++encodes;
          last = q;
          return static_cast<std::uint64_t>(q) * 1000;
        },
        [this] {
          ++scores;
          scored.insert(last);
          return curve(last);
        });
  }
};

double jpeg_like(int q) { return 4.0 - 0.04 * q; }  // 1.5 reached at quality 62.5

}  // namespace

TEST_CASE("the quality search converges on the lowest quality within the target in a few encodes") {
  Fake fake{jpeg_like};
  const SearchResult r = fake.run({1.5, 40, 95, 80});
  CHECK(r.target_met);
  CHECK(r.quality >= 63);
  CHECK(r.quality <= 66);  // within the tolerance (0.15) of the target
  CHECK(r.score == doctest::Approx(jpeg_like(r.quality)));
  CHECK(r.encodes <= 4);
  CHECK(r.encodes == fake.encodes);
  CHECK(r.scores == fake.scores);
}

TEST_CASE("the quality search stays within its bounds") {
  SUBCASE("a target no quality reaches ends at max, marked missed") {
    Fake fake{jpeg_like};  // 0.4 at 90, 0.8 at 80: max is worth its bytes
    const SearchResult r = fake.run({0.2, 40, 90, 80});
    CHECK_FALSE(r.target_met);
    CHECK(r.max_missed);
    CHECK(r.quality == 90);
    CHECK(r.score == doctest::Approx(0.4));
    CHECK(r.encodes <= 6);
  }
  SUBCASE("out of reach on a flat curve, the cheapest quality scoring about as well as max wins") {
    Fake fake{[](int q) { return 3.0 - 0.01 * q; }};  // 2.2 at 80, 2.1 at 90: within the tolerance
    const SearchResult r = fake.run({1.0, 40, 90, 80});
    CHECK_FALSE(r.target_met);
    CHECK(r.max_missed);
    REQUIRE(fake.scored.count(90) == 1);
    CHECK(r.quality == *fake.scored.begin());
    CHECK(r.quality < 90);
    CHECK(r.score <= 2.1 + 0.15);
    CHECK(r.score == doctest::Approx(3.0 - 0.01 * r.quality));
  }
  SUBCASE("a target every quality reaches ends at min") {
    Fake fake{[](int) { return 0.5; }};
    const SearchResult r = fake.run({1.5, 40, 90, 80});
    CHECK(r.target_met);
    CHECK(r.quality == 40);
  }
  SUBCASE("no quality outside [min, max] is ever tried") {
    Fake fake{jpeg_like};
    fake.run({1.5, 70, 75, 50});
    for (int q : fake.scored) CHECK((q >= 70 && q <= 75));
  }
}

TEST_CASE("a rendition whose curve is flatter than the typical one, started just above the target, takes one step") {
  const std::span<const presets::QualityPoint> typical = presets::typical_scores(presets::Format::jpeg);
  // Seven tenths of the typical JPEG slope (in log score), 1.52 at quality 70: aimed at the target itself,
  // each step along the typical curve fell short by a hair (68, 70, 71, 72: four encodes).
  Fake fake{[&](int q) {
    const double typical_log = std::log(presets::typical_score(typical, q)) - std::log(presets::typical_score(typical, 70));
    return 1.52 * std::exp(0.7 * typical_log);
  }};
  SearchSpec spec{1.5, 40, 95, 68};
  spec.typical = typical;
  const SearchResult r = fake.run(spec);
  CHECK(r.target_met);
  CHECK(r.score <= 1.5);
  CHECK(r.encodes == 2);
}

TEST_CASE("with a byte budget the search keeps to what fits, and says the target was missed") {
  Fake fake{jpeg_like};  // quality q is q * 1000 bytes: 50 KB fits up to quality 50, the target needs 63
  SearchSpec spec{1.5, 40, 95, 80};
  spec.max_bytes = 50000;
  const SearchResult r = fake.run(spec);
  CHECK_FALSE(r.target_met);
  CHECK(r.quality > 0);
  CHECK(r.quality <= 50);
  for (int q : fake.scored) CHECK(q <= 50);  // an output over the budget is never scored
  CHECK(r.scores < r.encodes);
  CHECK_FALSE(r.max_missed);  // the budget stopped it, not the format
}

TEST_CASE("the quality search never exceeds its cap on encodes, even on a score that is not monotone") {
  Fake fake{[](int q) { return 1.5 + 0.6 * std::sin(q * 0.7); }};
  SearchSpec spec{1.2, 1, 100, 50};
  spec.max_encodes = 6;
  const SearchResult r = fake.run(spec);
  CHECK(fake.encodes <= 6);
  CHECK(r.encodes <= 6);
}

TEST_CASE("the quality search decides the same quality from the same scores") {
  Fake a{jpeg_like}, b{jpeg_like};
  CHECK(a.run({1.3, 30, 95, 75}).quality == b.run({1.3, 30, 95, 75}).quality);
  CHECK(a.scored == b.scored);
}

TEST_CASE("quality: auto on a photo reaches its target, and a remembered quality gives the same bytes in one encode") {
  const vips::VImage image =
      vips::VImage::thumbnail(test::fixture("images/landscape-1.jpg").c_str(), 320).copy_memory();
  presets::Preset preset;
  preset.quality = presets::QualityAuto{1.4, std::nullopt, std::nullopt};
  const render::Chosen searched = render::encode_chosen(image, preset, presets::Format::jpeg, std::nullopt);
  MESSAGE("jpeg quality " << searched.quality << ", butteraugli " << searched.score.value_or(-1) << ", "
                          << searched.encodes << " encodes");
  REQUIRE(searched.score);
  CHECK(*searched.score <= 1.4);
  CHECK_FALSE(searched.target_missed);
  CHECK(searched.encodes <= 6);
  CHECK(searched.scores == searched.encodes);
  CHECK_FALSE(searched.full_chroma);  // a photo reaches its target at 4:2:0
  const render::Chosen again = render::encode_chosen(image, preset, presets::Format::jpeg, searched.decision());
  CHECK(again.encodes == 1);
  CHECK(again.scores == 0);
  CHECK(again.bytes == searched.bytes);
}

namespace {

// A chart: one-pixel red and blue lines on white, the colour detail 4:2:0 averages away.
vips::VImage chart() {
  const vips::VImage x = vips::VImage::xyz(320, 240).extract_band(0);
  const vips::VImage y = vips::VImage::xyz(320, 240).extract_band(1);
  const vips::VImage red = (x % 6) == 0, blue = (y % 6) == 3;
  const vips::VImage white = vips::VImage::black(320, 240, vips::VImage::option()->set("bands", 3)) + 255;
  return red.ifthenelse(std::vector<double>{220, 20, 20}, blue.ifthenelse(std::vector<double>{20, 20, 220}, white))
      .cast(VIPS_FORMAT_UCHAR)
      .copy(vips::VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB))
      .copy_memory();
}

}  // namespace

TEST_CASE("quality: auto takes 4:4:4 where 4:2:0 cannot reach the target, and remembers it") {
  const vips::VImage image = chart();
  presets::Preset preset;
  preset.quality = presets::QualityAuto{1.5, std::nullopt, std::nullopt};
  const render::Chosen searched = render::encode_chosen(image, preset, presets::Format::jpeg, std::nullopt);
  MESSAGE("chart: jpeg quality " << searched.quality << (searched.full_chroma ? " at 4:4:4" : " at 4:2:0")
                                 << ", butteraugli " << searched.score.value_or(-1) << ", " << searched.encodes
                                 << " encodes");
  CHECK(searched.full_chroma);
  REQUIRE(searched.score);
  CHECK(*searched.score <= 1.5);
  CHECK_FALSE(searched.target_missed);
  // 4:4:4 in the bytes, as the decoder reads them.
  const vips::VImage decoded = vips::VImage::new_from_buffer(searched.bytes.data(), searched.bytes.size(), "");
  CHECK(std::string(decoded.get_string("jpeg-chroma-subsample")) == "4:4:4");
  // 4:2:0 at its best is further from the target than what was chosen.
  presets::EncodeSettings at_max = presets::encode_settings(preset, presets::Format::jpeg);
  at_max.quality = presets::auto_quality(preset, presets::Format::jpeg)->max;
  CHECK(render::butteraugli_of_encoded(render::metric_pixels(image, preset.background),
                                       render::encode(image, at_max, preset.keep), preset.background) > 1.5);
  // Remembered: one encode, the same bytes.
  const render::Chosen again = render::encode_chosen(image, preset, presets::Format::jpeg, searched.decision());
  CHECK(again.encodes == 1);
  CHECK(again.full_chroma);
  CHECK(again.bytes == searched.bytes);
  // A preset that asks for 4:2:0 gets it, target missed or not.
  preset.chroma = presets::Chroma::s420;
  const render::Chosen asked = render::encode_chosen(image, preset, presets::Format::jpeg, std::nullopt);
  CHECK_FALSE(asked.full_chroma);
  CHECK(asked.target_missed);
}

TEST_CASE("the memory estimate of a quality: auto rendition covers butteraugli's planes") {
  const render::SourceInfo info = render::probe_source(test::fixture("images/landscape-1.jpg"), manifest::Limits{});
  const presets::Preset fixed = test::preset_of({{"resize.width", "400"}, {"format", "jpeg"}});
  const presets::Preset searched = test::preset_of({{"resize.width", "400"}, {"format", "jpeg"}, {"quality", "auto"}});
  REQUIRE((searched.quality && searched.quality->automatic()));
  const std::uint64_t without = render::estimate_working_set(info, {{&fixed, presets::Format::jpeg, 1}});
  const std::uint64_t with = render::estimate_working_set(info, {{&searched, presets::Format::jpeg, 1}});
  CHECK(with >= without + 400u * 300u * 220u);  // at least the 220 bytes a pixel of output measured
}

TEST_CASE("with a typical curve the search reaches a curve like it in two encodes") {
  const std::span<const presets::QualityPoint> curve = presets::typical_scores(presets::Format::jpeg);
  // An image 20% harder than the typical photo at every quality.
  Fake fake{[&](int q) { return 1.2 * presets::typical_score(curve, q); }};
  SearchSpec spec{1.5, 40, 95, static_cast<int>(std::lround(presets::typical_quality(curve, 1.5)))};
  spec.typical = curve;
  const SearchResult r = fake.run(spec);
  CHECK(r.target_met);
  CHECK(r.encodes == 2);
  CHECK(r.score <= 1.5);
  CHECK(r.score >= 1.5 - spec.tolerance);
}
