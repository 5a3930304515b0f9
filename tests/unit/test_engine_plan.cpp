#include <algorithm>
#include <doctest/doctest.h>

#include "engine/plan.hpp"
#include "test_support.hpp"

using namespace prerender;
using prerender::test::TempDir;
using prerender::test::write_file;

namespace {

engine::Selection selecting(std::optional<std::string> only, std::optional<std::size_t> top,
                            std::optional<engine::Shard> shard) {
  engine::Selection s;
  s.only = std::move(only);
  s.top = top;
  s.shard = shard;
  return s;
}

manifest::Manifest load(const TempDir& dir, const std::string& text) {
  write_file(dir.path() / "site.yaml", text);
  return manifest::load_manifest(dir.path() / "site.yaml");
}

std::vector<std::string> plan_errors(const manifest::Manifest& m) {
  manifest::Diagnostics d;
  engine::build_plan(m, {}, d, false);
  std::vector<std::string> out;
  for (const auto& item : d.items()) out.push_back(item.message);
  return out;
}

const std::string k_three_assets = R"(version: 1
presets:
  hero: { resize: { width: 100, height: 50 }, format: [avif, jpeg], dpr: [1, 2] }
assets:
  - { id: low, source: a.jpg, presets: [hero], requests: 5 }
  - { id: high, source: b.jpg, presets: [hero], requests: 500 }
  - { id: tie, source: c.jpg, presets: [hero], requests: 5 }
)";

}  // namespace

TEST_CASE("assets are planned by requests descending, then manifest order") {
  TempDir dir;
  const auto m = load(dir, k_three_assets);
  manifest::Diagnostics d;
  const auto plan = engine::build_plan(m, {}, d, false);
  CHECK(d.empty());
  REQUIRE(plan.assets.size() == 3);
  CHECK(plan.assets[0].asset->id == "high");
  CHECK(plan.assets[1].asset->id == "low");
  CHECK(plan.assets[2].asset->id == "tie");
  CHECK(plan.rendition_count() == 12);
  const auto& r = plan.assets[0].renditions[1];
  CHECK(r.path == "high/hero@2x.avif");
  CHECK(r.box_width == 200);
  CHECK(r.box_height == 100);
  // The sources do not exist: only validation (report_missing_sources) says so at planning time.
  manifest::Diagnostics validating;
  CHECK(engine::build_plan(m, {}, validating, true).assets.size() == 3);
  REQUIRE(validating.size() == 3);
  CHECK(validating.items()[0].message.find("asset 'high': source '") == 0);
  CHECK(validating.items()[0].message.find("does not exist") != std::string::npos);
}

TEST_CASE("top, only and shard select assets") {
  TempDir dir;
  const auto m = load(dir, k_three_assets);
  manifest::Diagnostics d;
  CHECK(engine::build_plan(m, selecting(std::nullopt, 1, std::nullopt), d, false).assets.at(0).asset->id == "high");
  CHECK(engine::build_plan(m, selecting("t*", std::nullopt, std::nullopt), d, false).assets.size() == 1);
  // Shards partition the assets: every asset in exactly one of three.
  std::vector<std::string> seen;
  for (std::uint32_t k = 0; k < 3; ++k)
    for (const auto& a :
         engine::build_plan(m, selecting(std::nullopt, std::nullopt, engine::Shard{k, 3}), d, false).assets)
      seen.push_back(a.asset->id);
  std::sort(seen.begin(), seen.end());
  CHECK(seen == std::vector<std::string>{"high", "low", "tie"});
}

TEST_CASE("shard specs are K/N with K below N") {
  CHECK(engine::parse_shard("0/4")->count == 4);
  CHECK(engine::parse_shard("3/4")->index == 3);
  CHECK_FALSE(engine::parse_shard("4/4"));
  CHECK_FALSE(engine::parse_shard("1/0"));
  CHECK_FALSE(engine::parse_shard("a/b"));
  CHECK_FALSE(engine::parse_shard("1"));
}

TEST_CASE("two renditions on one path are a validation error naming both") {
  TempDir dir;
  const auto m = load(dir, R"(version: 1
output: { path: "{asset}.{ext}" }
presets:
  a: { format: jpeg }
  b: { format: jpeg }
assets:
  - { id: x, source: x.jpg, presets: [a, b] }
)");
  const auto errors = plan_errors(m);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "two renditions write 'x.jpg': asset 'x' preset 'a' jpeg and asset 'x' preset 'b' jpeg");
}

TEST_CASE("a template that lets a preset escape the output root is refused") {
  TempDir dir;
  const auto m = load(dir, R"(version: 1
output: { path: "../{asset}/{preset}.{ext}" }
presets: { a: { format: jpeg } }
assets:
  - { id: x, source: x.jpg, presets: [a] }
)");
  const auto errors = plan_errors(m);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("would escape the output root") != std::string::npos);
}

TEST_CASE("several formats need {ext} or {format} in the template") {
  TempDir dir;
  const auto m = load(dir, R"(version: 1
output: { path: "{asset}/{preset}" }
presets: { a: { format: [jpeg, webp] } }
assets:
  - { id: x, source: x.jpg, presets: [a] }
)");
  const auto errors = plan_errors(m);
  CHECK(std::any_of(errors.begin(), errors.end(),
                    [](const std::string& e) { return e.find("has no {ext} or {format}") != std::string::npos; }));
}

TEST_CASE("{width} in the template needs the preset to set a width") {
  TempDir dir;
  const auto m = load(dir, R"(version: 1
output: { path: "{asset}/{width}.{ext}" }
presets: { a: { resize: { height: 100 } } }
assets:
  - { id: x, source: x.jpg, presets: [a] }
)");
  const auto errors = plan_errors(m);
  REQUIRE_FALSE(errors.empty());
  CHECK(errors[0] == "preset 'a' sets no resize.width but 'output.path' uses {width}");
}
