#include <algorithm>
#include <doctest/doctest.h>

#include "manifest/manifest.hpp"
#include "presets/format_defaults.hpp"
#include "manifest_support.hpp"
#include "test_support.hpp"

using namespace prerender;
using prerender::test::any_contains;
using prerender::test::problems_of;
using prerender::test::TempDir;
using prerender::test::write_file;

namespace {}  // namespace

TEST_CASE("the bundled example manifest loads with its included presets") {
  const auto m = manifest::load_manifest(test::source_dir() / "examples" / "site.yaml");
  CHECK(m.version == 1);
  CHECK(m.presets.count("hero") == 1);
  CHECK(m.presets.count("og-image") == 1);
  REQUIRE(m.assets.size() == 4);
  CHECK(m.assets[0].id == "shows/mountain-lake/hero");
  CHECK(m.assets[0].requests == 2500);
  REQUIRE(m.assets[0].focus);
  CHECK(m.assets[0].focus->x == doctest::Approx(0.42));
  CHECK(m.output.base_url == "https://img.example.com/");
  // The glob asset expands to one asset per file, ids from the relative paths without extension.
  CHECK(m.assets[2].id == "posters/alpha-badge");
  CHECK(m.assets[3].id == "posters/gallery");
}

TEST_CASE("three mistakes are all reported with positions and a suggestion") {
  TempDir dir;
  const auto problems = problems_of(R"(version: 1
presets:
  hero:
    resize: { widht: 1920, height: 1080 }
    quality: high
assets:
  - id: a
    source: a.jpg
    presets: [heor]
)",
                                    dir);
  REQUIRE(problems.size() == 3);
  CHECK(problems[0] == "4:15: unknown key 'widht' in 'resize' of preset 'hero' (did you mean 'width'?)");
  CHECK(problems[1].rfind("5:14: 'quality' in preset 'hero' must be a whole number from 1 to 100", 0) == 0);
  CHECK(problems[2] == "9:15: unknown preset 'heor' (did you mean 'hero'?)");
}

TEST_CASE("duplicate keys, asset ids and preset names are errors") {
  TempDir dir;
  write_file(dir.path() / "lib.yaml", "presets:\n  hero: { format: webp }\n");
  const auto problems = problems_of(R"(version: 1
include: lib.yaml
presets:
  hero: { format: jpeg }
  card: { quality: 50, quality: 60 }
assets:
  - { id: a, source: a.jpg, presets: [card] }
  - { id: a, source: b.jpg, presets: [card] }
)",
                                    dir);
  CHECK(any_contains(problems, "duplicate key 'quality' in preset 'card'"));
  CHECK(any_contains(problems, "asset id 'a' is used twice"));
  CHECK(any_contains(problems, "preset 'hero' is defined twice"));
}

TEST_CASE("extends merges resize key by key and detects cycles") {
  TempDir dir;
  write_file(dir.path() / "site.yaml", R"(version: 1
presets:
  hero: { resize: { width: 1920, height: 1080, fit: cover, gravity: attention }, format: avif, quality: 50, dpr: [1, 2] }
  card: { extends: hero, resize: { width: 400, height: 225 }, format: [avif, webp, jpeg] }
)");
  const auto m = manifest::load_manifest(dir.path() / "site.yaml");
  const presets::Preset& card = m.presets.at("card");
  CHECK(card.resize.width == 400);
  CHECK(card.resize.gravity == presets::Gravity::attention);
  CHECK(card.quality == 50);
  CHECK(card.formats.size() == 3);
  CHECK(card.dpr == std::vector<double>{1, 2});

  const auto problems = problems_of("version: 1\npresets:\n  a: { extends: b }\n  b: { extends: a }\n", dir);
  CHECK(any_contains(problems, "extends itself"));
}

TEST_CASE("an include cycle is reported") {
  TempDir dir;
  write_file(dir.path() / "a.yaml", "include: b.yaml\npresets: { pa: { format: png } }\n");
  write_file(dir.path() / "b.yaml", "include: a.yaml\npresets: { pb: { format: png } }\n");
  const auto problems = problems_of("version: 1\ninclude: a.yaml\n", dir);
  CHECK(any_contains(problems, "include cycle"));
}

TEST_CASE("wrong types and values say what is allowed") {
  TempDir dir;
  const auto problems = problems_of(R"(version: 1
presets:
  p:
    format: [webp, bmp]
    resize: { fit: squash, width: -3 }
    dpr: [1, 9]
    background: #fff
    crop: "16/9"
    max_bytes: lots
limits: { max_seconds: soon }
)",
                                    dir);
  CHECK(any_contains(
      problems, "'format' in preset 'p' must be 'jpeg', 'png', 'webp', 'avif', 'heic', 'jxl' or 'gif', not 'bmp'"));
  CHECK(any_contains(problems, "'resize.fit' in preset 'p' must be 'cover', 'contain', 'fill', 'inside' or 'outside'"));
  CHECK(any_contains(problems, "'resize.width' in preset 'p' must be from 1 to 16384, not -3"));
  CHECK(any_contains(problems, "'dpr' in preset 'p' must be from 0.5 to 4, not 9"));
  CHECK(any_contains(problems, "'#' starts a YAML comment"));
  CHECK(any_contains(problems, "aspect ratio such as '16:9'"));
  CHECK(any_contains(problems, "'max_bytes' in preset 'p' must be a size"));
  CHECK(any_contains(problems, "'limits.max_seconds' must be a duration"));
}

TEST_CASE("a byte budget on a lossless output is refused at validation") {
  TempDir dir;
  const auto problems =
      problems_of("version: 1\npresets:\n  p: { format: [webp, png], lossless: true, max_bytes: 10KiB }\n", dir);
  CHECK(any_contains(problems, "max_bytes needs a lossy output, and webp here is lossless"));
  CHECK(any_contains(problems, "max_bytes needs a lossy output, and png here is lossless"));
}

TEST_CASE("an effort out of one format's range is refused for that format") {
  TempDir dir;
  const auto problems = problems_of("version: 1\npresets:\n  p: { format: [avif, webp], effort: 8 }\n", dir);
  REQUIRE(problems.size() == 1);
  CHECK(any_contains(problems, "effort 8 is out of range for webp (0 to 6)"));
}

TEST_CASE("asset ids that would escape the output root are refused") {
  TempDir dir;
  const auto problems = problems_of(R"(version: 1
presets: { p: { format: jpeg } }
assets:
  - { id: ../etc/x, source: a.jpg, presets: [p] }
  - { id: /abs, source: a.jpg, presets: [p] }
  - { id: "a//b", source: a.jpg, presets: [p] }
)",
                                    dir);
  REQUIRE(problems.size() == 3);
  CHECK(any_contains(problems, "asset id '../etc/x' cannot name output files: it has a '..' segment"));
  CHECK(any_contains(problems, "asset id '/abs' cannot name output files: it starts with '/'"));
  CHECK(any_contains(problems, "asset id 'a//b' cannot name output files: it has an empty path segment"));
}

TEST_CASE("per-format defaults fill what a preset leaves unset") {
  presets::Preset p;
  p.formats = {presets::Format::avif, presets::Format::jpeg};
  p.quality = 60;
  const auto avif = presets::encode_settings(p, presets::Format::avif);
  CHECK(avif.quality == 60);
  CHECK(avif.bitdepth == 8);
  CHECK(avif.chroma == presets::Chroma::s420);
  const auto jpeg = presets::encode_settings(p, presets::Format::jpeg);
  CHECK(jpeg.chroma == presets::Chroma::s420);
  CHECK(jpeg.progressive);
  presets::Preset plain;
  CHECK(presets::encode_settings(plain, presets::Format::webp).quality == 75);
}

TEST_CASE("inputs the fuzzer found end in diagnostics and never in another exception") {
  for (const auto& entry : std::filesystem::directory_iterator(test::fixture("manifests/fuzz"))) {
    CAPTURE(entry.path().filename().string());
    manifest::Diagnostics diagnostics;
    CHECK_NOTHROW(manifest::load_manifest(entry.path(), diagnostics));
    CHECK_FALSE(diagnostics.empty());
  }
}
