#include <doctest/doctest.h>
#include <map>

#include "render/asset.hpp"
#include "render/estimate.hpp"
#include "render_support.hpp"

using namespace prerender;

namespace {

// Every request's bytes (or error) rendered as `run` does, keyed by the request's index in `requests`.
std::map<std::size_t, std::string> render_all(const std::filesystem::path& file,
                                              const std::vector<render::RenditionRequest>& requests) {
  const render::SourceInfo info = render::probe_source(file, manifest::Limits{});
  const render::AssetJob job{render::open_source(file), info, requests, std::nullopt, {}};
  std::map<std::size_t, std::string> out;
  render::render_asset(job, render::Metadata::yes, render::serial_for, [&](std::size_t k, render::RenditionResult&& r) {
    REQUIRE(r.error.empty());
    out[k] = std::move(r.rendered.bytes);
  });
  return out;
}

}  // namespace

TEST_CASE("a rendition's decode level follows from its own size alone") {
  const render::SourceInfo info =
      render::probe_source(test::fixture("images/landscape-1.jpg"), manifest::Limits{});  // 600x450
  const presets::Preset large = test::preset_of({{"resize.width", "400"}, {"format", "jpeg"}});
  const presets::Preset medium = test::preset_of({{"resize.width", "150"}, {"format", "jpeg"}});
  const presets::Preset thumb =
      test::preset_of({{"resize.width", "40"}, {"resize.height", "40"}, {"resize.fit", "cover"}, {"format", "png"}});
  const presets::Preset trim = test::preset_of({{"resize.width", "40"}, {"trim", "10"}, {"format", "png"}});
  CHECK(render::decode_level(info, {&large, presets::Format::jpeg, 1}) == 0);   // 400 of 600: less than half
  CHECK(render::decode_level(info, {&large, presets::Format::jpeg, 2}) == 0);   // enlarging is capped at full size
  CHECK(render::decode_level(info, {&medium, presets::Format::jpeg, 1}) == 1);  // 150 of 600: from the half size
  CHECK(render::decode_level(info, {&medium, presets::Format::jpeg, 2}) == 1);  // 300: exactly the half size
  CHECK(render::decode_level(info, {&thumb, presets::Format::png, 1}) == 1);
  CHECK(render::decode_level(info, {&trim, presets::Format::png, 1}) == 0);  // trim measures the full size
  CHECK(render::level_size(info, 1) == render::Size{300, 225});

  // A JPEG's half size is its shrink-on-load by 2, a decode of its own beside the full size.
  const std::vector<render::RenditionRequest> requests{{&large, presets::Format::jpeg, 1},
                                                       {&medium, presets::Format::jpeg, 1},
                                                       {&thumb, presets::Format::png, 1},
                                                       {&medium, presets::Format::jpeg, 2}};
  const std::vector<render::Decode> decodes = render::plan_decodes(info, requests);
  REQUIRE(decodes.size() == 2);
  CHECK(decodes[0].base == 0);
  CHECK(decodes[0].levels == std::vector<int>{0});
  CHECK(decodes[1].base == 1);
  CHECK(decodes[1].levels == std::vector<int>{1});
  CHECK(decodes[1].requests == std::vector<std::size_t>{1, 2, 3});
  // Any other format decodes once: its half size is a Lanczos-3 halving of the full-size decode.
  const render::SourceInfo png = render::probe_source(test::fixture("images/wide-798x20.png"), manifest::Limits{});
  const std::vector<render::Decode> once = render::plan_decodes(png, requests);
  REQUIRE(once.size() == 1);
  CHECK(once[0].levels == std::vector<int>{0, 1});
}

TEST_CASE("a rendition has the same bytes whatever else is rendered with it") {
  const presets::Preset large = test::preset_of({{"resize.width", "400"}, {"format", "jpeg,webp"}});
  const presets::Preset medium = test::preset_of({{"resize.width", "150"}, {"format", "webp,avif"}});
  const presets::Preset thumb =
      test::preset_of({{"resize.width", "40"}, {"resize.height", "40"}, {"resize.fit", "cover"}, {"format", "png"}});
  const std::vector<render::RenditionRequest> all{
      {&large, presets::Format::jpeg, 1},  {&large, presets::Format::webp, 1}, {&medium, presets::Format::webp, 1},
      {&medium, presets::Format::avif, 1}, {&thumb, presets::Format::png, 1},  {&thumb, presets::Format::png, 2}};
  for (const char* name : {"images/landscape-1.jpg", "images/webp-alpha.webp", "images/orient/portrait-6.jpg"}) {
    CAPTURE(name);
    const auto file = test::fixture(name);
    const std::map<std::size_t, std::string> together = render_all(file, all);
    REQUIRE(together.size() == all.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
      CAPTURE(i);
      CHECK(render_all(file, {all[i]}).at(0) == together.at(i));  // alone
      std::vector<render::RenditionRequest> without_first(all.begin() + 1, all.end());
      if (i > 0) CHECK(render_all(file, without_first).at(i - 1) == together.at(i));  // without the largest
    }
  }
}

TEST_CASE("the memory estimate covers each decode's levels, and more levels from one decode cost little") {
  const render::SourceInfo info = render::probe_source(test::fixture("images/landscape-1.jpg"), manifest::Limits{});
  const presets::Preset medium = test::preset_of({{"resize.width", "150"}, {"format", "jpeg"}});
  const presets::Preset large = test::preset_of({{"resize.width", "400"}, {"format", "jpeg"}});
  const std::uint64_t small = render::estimate_working_set(info, {{&medium, presets::Format::jpeg, 1}});
  const std::uint64_t both =
      render::estimate_working_set(info, {{&medium, presets::Format::jpeg, 1}, {&large, presets::Format::jpeg, 1}});
  CHECK(both > small);  // the full-size decode is the larger of the two
  // At least the full-size master's pixels.
  CHECK(both > static_cast<std::uint64_t>(600 * 450 * 3));
}
