#include <doctest/doctest.h>
#include <string>
#include <vector>

#include "manifest/manifest.hpp"
#include "presets/format_defaults.hpp"
#include "presets/preset.hpp"
#include "test_support.hpp"

using namespace prerender;
using presets::Format;
using presets::PresetSpec;

namespace {

// A spec with every field set, none to its default.
PresetSpec everything_set() {
  PresetSpec s;
  s.resize = {640, 360, presets::Fit::contain, presets::Gravity::attention, true};
  s.crop = presets::Crop{presets::Region{0.1, 0.2, 0.5, 0.6}, std::nullopt, ""};
  s.trim = 12;
  s.pad = presets::Edges{1, 2, 3, 4};
  s.background = presets::Colour{10, 20, 30, 255};
  s.rotate = 90;
  s.flip = true;
  s.flop = true;
  s.sharpen = 0.7;
  s.blur = 1.5;
  s.grayscale = true;
  s.overlay = presets::Overlay{"logo.png", presets::Gravity::north, 3, 4, 0.3, 0.5};
  s.keep = presets::Keep{true, true, false};
  s.formats = std::vector<Format>{Format::webp, Format::avif};
  s.quality = 61;
  s.effort = 5;
  s.bitdepth = 10;
  s.lossless = false;
  s.progressive = false;
  s.palette = true;
  s.chroma = presets::Chroma::s444;
  s.max_bytes = 12345;
  s.animation = presets::Animation::keep;
  s.max_frames = 7;
  s.dpr = std::vector<double>{1, 1.5, 3};
  s.max_difference = 0.02;
  s.max_bytes_change = 0.3;
  return s;
}

}  // namespace

TEST_CASE("merge takes each field from the child when set and from the parent otherwise, resize key by key") {
  PresetSpec parent;
  parent.resize.width = 1920;
  parent.resize.height = 1080;
  parent.resize.gravity = presets::Gravity::attention;
  parent.quality = 50;
  parent.sharpen = 0.5;
  parent.formats = std::vector<Format>{Format::avif, Format::jpeg};
  parent.dpr = std::vector<double>{1, 2};
  PresetSpec child;
  child.extends = "parent";
  child.resize.width = 400;
  child.resize.fit = presets::Fit::inside;
  child.quality = 70;
  child.formats = std::vector<Format>{Format::webp};
  const PresetSpec m = presets::merge(parent, child);
  CHECK(m.extends == "parent");
  CHECK(m.resize.width == 400);
  CHECK(m.resize.height == 1080);
  CHECK(m.resize.fit == presets::Fit::inside);
  CHECK(m.resize.gravity == presets::Gravity::attention);
  CHECK_FALSE(m.resize.enlarge);
  CHECK(m.quality == 70);
  CHECK(m.sharpen == 0.5);
  CHECK(m.formats == std::vector<Format>{Format::webp});  // a list replaces, never appends
  CHECK(m.dpr == std::vector<double>{1, 2});
  CHECK_FALSE(m.max_bytes);
}

TEST_CASE(
    "merge over a spec with every field set changes nothing when the child sets nothing, everything when it sets all") {
  const PresetSpec full = everything_set();
  const PresetSpec kept = presets::merge(full, PresetSpec{});
  CHECK(presets::resolve("p", kept) == presets::resolve("p", full));
  const PresetSpec replaced = presets::merge(PresetSpec{}, full);
  CHECK(presets::resolve("p", replaced) == presets::resolve("p", full));
  CHECK_FALSE(presets::resolve("p", full) == presets::resolve("p", PresetSpec{}));
}

TEST_CASE("an extends chain of three overrides field by field, nearest first") {
  test::TempDir dir;
  test::write_file(dir.path() / "site.yaml", R"(version: 1
presets:
  base: { resize: { width: 1920, height: 1080, gravity: attention }, format: [avif, jpeg], quality: 50, sharpen: 0.5 }
  mid: { extends: base, resize: { width: 800 }, dpr: [1, 2], keep: [icc] }
  leaf: { extends: mid, resize: { height: 300, fit: contain }, format: webp, quality: 70 }
)");
  const manifest::Manifest m = manifest::load_manifest(dir.path() / "site.yaml");
  const presets::Preset& mid = m.presets.at("mid");
  CHECK(mid.resize.width == 800);
  CHECK(mid.resize.height == 1080);
  CHECK(mid.quality == 50);
  const presets::Preset& leaf = m.presets.at("leaf");
  CHECK(leaf.name == "leaf");
  CHECK(leaf.resize.width == 800);
  CHECK(leaf.resize.height == 300);
  CHECK(leaf.resize.fit == presets::Fit::contain);
  CHECK(leaf.resize.gravity == presets::Gravity::attention);
  CHECK(leaf.formats == std::vector<Format>{Format::webp});
  CHECK(leaf.quality == 70);
  CHECK(leaf.sharpen == 0.5);
  CHECK(leaf.dpr == std::vector<double>{1, 2});
  CHECK(leaf.keep.icc);
  CHECK_FALSE(leaf.keep.exif);
  CHECK(m.presets.at("base").dpr == std::vector<double>{1});
}

TEST_CASE("resolve fills what a spec leaves unset with the defaults, and a zero trim or sharpen is off") {
  PresetSpec s;
  s.trim = 0;
  s.sharpen = 0;
  s.blur = 0;
  const presets::Preset p = presets::resolve("plain", s);
  CHECK(p.name == "plain");
  CHECK_FALSE(p.resize.width);
  CHECK(p.resize.fit == presets::Fit::cover);
  CHECK(p.resize.gravity == presets::Gravity::centre);
  CHECK_FALSE(p.resize.enlarge);
  CHECK(p.formats == std::vector<Format>{Format::jpeg});
  CHECK(p.dpr == std::vector<double>{1});
  CHECK(p.background == presets::Colour{255, 255, 255, 255});
  CHECK(p.animation == presets::Animation::first);
  CHECK(p.max_frames == 100);
  CHECK(p.max_difference == 0.01);
  CHECK(p.max_bytes_change == 0.1);
  CHECK_FALSE(p.trim);
  CHECK_FALSE(p.sharpen);
  CHECK_FALSE(p.blur);
  CHECK_FALSE(p.quality);
  CHECK(p.keep == presets::Keep{});
}

TEST_CASE("each format's defaults apply where a preset says nothing, and only options the format has are taken") {
  const presets::Preset plain = presets::resolve("plain", PresetSpec{});
  for (const presets::FormatTraits& t : presets::all_traits()) {
    CAPTURE(presets::name(t.format));
    CHECK(presets::encode_settings(plain, t.format) == t.defaults);
  }
  CHECK(presets::encode_settings(plain, Format::jpeg).quality == 80);
  CHECK(presets::encode_settings(plain, Format::avif).quality == 50);
  CHECK(presets::encode_settings(plain, Format::png).lossless);
  const presets::Preset full = presets::resolve("full", everything_set());
  const presets::EncodeSettings webp = presets::encode_settings(full, Format::webp);
  CHECK(webp.quality == 61);
  CHECK(webp.effort == 5);
  CHECK(webp.chroma == presets::Chroma::s420);  // webp has no chroma setting
  CHECK_FALSE(webp.palette);                    // palette is PNG's
  const presets::EncodeSettings avif = presets::encode_settings(full, Format::avif);
  CHECK(avif.chroma == presets::Chroma::s444);
  CHECK(avif.bitdepth == 10);
  const presets::EncodeSettings png = presets::encode_settings(full, Format::png);
  CHECK(png.palette);
  CHECK_FALSE(png.lossless);  // a palette is lossy
}

TEST_CASE("to_spec of a resolved preset resolves back to the same preset, and settings merge over it") {
  for (const PresetSpec& spec : {everything_set(), PresetSpec{}}) {
    const presets::Preset p = presets::resolve("hero", spec);
    CHECK(presets::resolve("hero", presets::to_spec(p)) == p);
  }
  const presets::Preset p = presets::resolve("hero", everything_set());
  PresetSpec flags;
  flags.quality = 33;
  flags.resize.height = 100;
  const presets::Preset over = presets::resolve("hero", presets::merge(presets::to_spec(p), flags));
  CHECK(over.quality == 33);
  CHECK(over.resize.height == 100);
  CHECK(over.resize.width == 640);
  CHECK(over.max_bytes == 12345u);
  presets::Preset expected = p;
  expected.quality = 33;
  expected.resize.height = 100;
  CHECK(over == expected);
}
