#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <span>

#include "manifest/keys.hpp"
#include "test_support.hpp"

using namespace prerender::manifest;

namespace {

nlohmann::json schema() {
  std::ifstream in(prerender::test::source_dir() / "docs" / "manifest.schema.json");
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

std::set<std::string> keys_of(const nlohmann::json& object) {
  std::set<std::string> out;
  for (const auto& [key, value] : object.at("properties").items()) out.insert(key);
  return out;
}

std::set<std::string> table(std::span<const std::string_view> keys) { return {keys.begin(), keys.end()}; }

}  // namespace

TEST_CASE("the JSON Schema has exactly the keys the parser accepts, mapping by mapping") {
  const nlohmann::json s = schema();
  const nlohmann::json& defs = s.at("definitions");
  CHECK(keys_of(s) == table(k_manifest_keys));
  CHECK(keys_of(defs.at("sources")) == table(k_sources_keys));
  CHECK(keys_of(defs.at("output")) == table(k_output_keys));
  CHECK(keys_of(defs.at("limits")) == table(k_limits_keys));
  CHECK(keys_of(defs.at("preset")) == table(k_preset_keys));
  CHECK(keys_of(defs.at("resize")) == table(k_resize_keys));
  CHECK(keys_of(defs.at("crop_region")) == table(k_region_keys));
  CHECK(keys_of(defs.at("pad")) == table(k_pad_keys));
  CHECK(keys_of(defs.at("overlay")) == table(k_overlay_keys));
  CHECK(keys_of(defs.at("check")) == table(k_check_keys));
  CHECK(keys_of(defs.at("asset")) == table(k_asset_keys));
}
