#include <algorithm>
#include <doctest/doctest.h>

#include "manifest/manifest.hpp"
#include "presets/format_defaults.hpp"
#include "presets/preset_view.hpp"
#include "manifest_support.hpp"
#include "test_support.hpp"

using namespace prerender;
using prerender::test::TempDir;
using prerender::test::write_file;

namespace {

manifest::Manifest load(const std::string& presets, const TempDir& dir) {
  write_file(dir.path() / "site.yaml", "version: 1\npresets:\n" + presets);
  return manifest::load_manifest(dir.path() / "site.yaml");
}

std::vector<std::string> preset_problems(const std::string& presets, const TempDir& dir) {
  return test::problems_of("version: 1\npresets:\n" + presets, dir);
}

}  // namespace

TEST_CASE("quality: auto takes each format's default target and bounds, and a mapping overrides them") {
  TempDir dir;
  const auto m = load(R"(  a: { format: [jpeg, avif, png], quality: auto }
  b: { format: webp, quality: { target: { butteraugli: 1.1 }, min: 60 } }
  fixed: { format: jpeg, quality: 70 }
)",
                      dir);
  const presets::Preset& a = m.presets.at("a");
  REQUIRE(a.quality);
  CHECK_FALSE(a.quality->fixed());
  const auto jpeg = presets::auto_quality(a, presets::Format::jpeg);
  REQUIRE(jpeg);
  CHECK(jpeg->target == doctest::Approx(1.5));
  CHECK(jpeg->min == 40);
  CHECK(jpeg->max == 95);
  CHECK(jpeg->start == 68);  // where JPEG's typical curve meets 1.5 (presets/format_defaults.cpp)
  CHECK(presets::auto_quality(a, presets::Format::avif)->target > jpeg->target);
  CHECK_FALSE(presets::auto_quality(a, presets::Format::png));  // lossless: quality changes nothing
  const auto webp = presets::auto_quality(m.presets.at("b"), presets::Format::webp);
  REQUIRE(webp);
  CHECK(webp->target == doctest::Approx(1.1));
  CHECK(webp->min == 60);
  CHECK(webp->max == 95);
  CHECK(webp->start == 90);  // a stricter target starts higher on WebP's curve
  CHECK_FALSE(presets::auto_quality(m.presets.at("fixed"), presets::Format::jpeg));
}

TEST_CASE("quality: auto and its target are part of the preset view the recipe hash serialises") {
  TempDir dir;
  const auto m =
      load("  a: { quality: auto }\n  b: { quality: { target: { butteraugli: 1.2 } } }\n  c: { quality: 80 }\n", dir);
  const auto a = presets::to_json(m.presets.at("a")), b = presets::to_json(m.presets.at("b")),
             c = presets::to_json(m.presets.at("c"));
  CHECK(a != b);
  CHECK(a != c);
  CHECK(a["encode"]["jpeg"]["quality_auto"]["butteraugli"] == 1.5);
  CHECK_FALSE(c["encode"]["jpeg"].contains("quality_auto"));
}

TEST_CASE("a child's fixed quality replaces a parent's quality: auto, and the other way round") {
  TempDir dir;
  const auto m = load(R"(  base: { quality: auto }
  fixed: { extends: base, quality: 60 }
  fixed_base: { quality: 60 }
  searched: { extends: fixed_base, quality: { max: 85 } }
)",
                      dir);
  CHECK(m.presets.at("fixed").quality == 60);
  CHECK_FALSE(m.presets.at("fixed").quality->automatic());
  REQUIRE(m.presets.at("searched").quality);
  CHECK_FALSE(m.presets.at("searched").quality->fixed());
  REQUIRE(m.presets.at("searched").quality->automatic());
  CHECK(presets::auto_quality(m.presets.at("searched"), presets::Format::jpeg)->max == 85);
}

TEST_CASE("quality mistakes are reported at their position") {
  TempDir dir;
  const auto problems = preset_problems(R"(  a: { quality: { target: { butteraugl: 1.4 } } }
  b: { quality: { min: 90, max: 50 } }
  c: { quality: { target: { butteraugli: 0 } } }
  d: { quality: { mni: 40 } }
  e: { quality: "auto" }
)",
                                    dir);
  REQUIRE(problems.size() == 5);
  CHECK(problems[0].find("unknown key 'butteraugl'") != std::string::npos);
  CHECK(problems[0].find("did you mean 'butteraugli'?") != std::string::npos);
  CHECK(problems[1].find("min 90 is above max 50") != std::string::npos);
  CHECK(problems[2] == "5:42: 'quality.target.butteraugli' in preset 'c' must be from 0.1 to 20, not 0");
  CHECK(problems[3].find("did you mean 'min'?") != std::string::npos);
  CHECK(problems[4].find("must be a whole number from 1 to 100") != std::string::npos);
}
