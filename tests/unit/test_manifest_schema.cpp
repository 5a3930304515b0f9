#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>

#include "manifest/keys.hpp"
#include "presets/fields.hpp"
#include "presets/preset_view.hpp"
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
  CHECK(keys_of(defs.at("quality_auto")) == table(k_quality_keys));
  CHECK(keys_of(defs.at("quality_auto").at("properties").at("target")) == table(k_quality_target_keys));
  CHECK(keys_of(defs.at("asset")) == table(k_asset_keys));
}

namespace {

// The options the README's "Preset options" table names in its first column: `resize.width` gives
// "resize" and "resize.width".
std::set<std::string> readme_preset_options() {
  std::ifstream in(prerender::test::source_dir() / "README.md");
  REQUIRE(in);
  std::set<std::string> out;
  bool in_table = false;
  for (std::string line; std::getline(in, line);) {
    if (line == "### Preset options")
      in_table = true;
    else if (in_table && line.rfind("### ", 0) == 0)
      break;
    if (!in_table || line.rfind("| `", 0) != 0) continue;
    const std::string first = line.substr(1, line.find('|', 1) - 1);
    for (std::size_t open = first.find('`'); open != std::string::npos; open = first.find('`', open)) {
      const std::size_t close = first.find('`', open + 1);
      const std::string name = first.substr(open + 1, close - open - 1);
      out.insert(name.substr(0, name.find('.')));
      if (name.find('.') != std::string::npos) out.insert(name);
      open = close + 1;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("the README's table of preset options names every option the parser accepts, and no other") {
  const std::set<std::string> readme = readme_preset_options();
  std::set<std::string> top, nested;
  for (const std::string& name : readme) (name.find('.') == std::string::npos ? top : nested).insert(name);
  CHECK(top == table(k_preset_keys));
  for (const std::string& name : nested) {
    CAPTURE(name);
    const std::string parent = name.substr(0, name.find('.')), child = name.substr(name.find('.') + 1);
    if (parent == "resize")
      CHECK(table(k_resize_keys).count(child) == 1);
    else if (parent == "check")
      CHECK(table(k_check_keys).count(child) == 1);
    else
      FAIL("a dotted option of a mapping without a key table: ", name);
  }
  for (std::string_view key : k_resize_keys) CHECK(readme.count("resize." + std::string(key)) == 1);
  for (std::string_view key : k_check_keys) CHECK(readme.count("check." + std::string(key)) == 1);
}

namespace {

template <typename T>
constexpr bool is_optional_v = false;
template <typename T>
constexpr bool is_optional_v<std::optional<T>> = true;

}  // namespace

TEST_CASE("every option of the field table is in the schema, the README and the JSON view where its entry says") {
  const nlohmann::json s = schema();
  const nlohmann::json& defs = s.at("definitions");
  const std::set<std::string> readme = readme_preset_options();
  const nlohmann::json view = prerender::presets::to_json(prerender::presets::resolve("defaults", {}));
  std::set<std::string> tops;
  prerender::presets::for_each_field([&](const auto& field) {
    const std::string top(field.top()), key(field.key);
    CAPTURE(top);
    CAPTURE(key);
    tops.insert(top);
    CHECK(keys_of(defs.at("preset")).count(top) == 1);
    CHECK(readme.count(top) == 1);
    if (!field.group.empty()) {
      CHECK(keys_of(defs.at(top)).count(key) == 1);
      CHECK(readme.count(top + "." + key) == 1);
    }
    using Member = std::remove_cvref_t<decltype(field.get(std::declval<const prerender::presets::Preset&>()))>;
    const bool shown = field.shown == prerender::presets::Shown::always && !is_optional_v<Member>;
    if (field.shown == prerender::presets::Shown::in_encode)
      CHECK(view.count(top) == 0);
    else if (shown && field.group.empty())
      CHECK(view.count(top) == 1);
    else if (shown)
      CHECK(view.at(top).count(key) == 1);
  });
  for (const auto& [key, value] : view.items())
    if (key != "encode") CHECK_MESSAGE(tops.count(key) == 1, "the JSON view has '", key, "', not in the table");
}
