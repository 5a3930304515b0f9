#include <algorithm>
#include <doctest/doctest.h>

#include "engine/recipe.hpp"
#include "manifest/manifest.hpp"
#include "publish/headers.hpp"
#include "publish/tags.hpp"
#include "test_support.hpp"

using namespace prerender;
using prerender::test::TempDir;
using prerender::test::write_file;

namespace {

std::string problems_of(const std::string& yaml) {
  const TempDir dir;
  write_file(dir.path() / "site.yaml", yaml);
  write_file(dir.path() / "images" / "a.jpg", "not read by load_manifest");
  try {
    manifest::load_manifest(dir.path() / "site.yaml");
  } catch (const manifest::ManifestError& e) {
    std::string out;
    for (const auto& d : e.items())
      out += std::to_string(d.at.line) + ":" + std::to_string(d.at.column) + ": " + d.message + "\n";
    return out;
  }
  return "";
}

const char* k_site = R"(version: 1
sources: { root: images/ }
output: { root: public/ }
presets:
  card: { resize: { width: 100 }, format: webp, PRESET_EXTRA }
assets:
  - { id: a, source: a.jpg, presets: [card], ASSET_EXTRA }
)";

std::string site(const std::string& preset_extra, const std::string& asset_extra) {
  std::string text = k_site;
  text.replace(text.find("PRESET_EXTRA"), 12, preset_extra);
  text.replace(text.find("ASSET_EXTRA"), 11, asset_extra);
  return text;
}

}  // namespace

TEST_CASE("a tag valid on every CDN is lowercase a-z 0-9 . _ - and at most 128 characters") {
  CHECK_FALSE(publish::tag_problem("renderer-0.3.0").has_value());
  CHECK_FALSE(publish::tag_problem(std::string(128, 'a')).has_value());
  CHECK(publish::tag_problem(std::string(129, 'a')).value().find("129 characters") != std::string::npos);
  CHECK(publish::tag_problem("a:b").value().find("':'") != std::string::npos);   // Akamai: no colon
  CHECK(publish::tag_problem("a,b").value().find("','") != std::string::npos);   // CloudFront: no comma
  CHECK(publish::tag_problem("a b").value().find("0x20") != std::string::npos);  // a separator
  CHECK(publish::tag_problem("Hero").value().find("upper case") != std::string::npos);
  CHECK(publish::tag_problem("").value() == "is empty");
}

TEST_CASE("automatic tags name the asset, preset, renderer version and source, and always fit the grammar") {
  const auto tags = publish::rendition_tags("shows/talis-wedding/hero", "card", "0.3.0",
                                            "c11b1387a778370a0123456789abcdef", {"x", "card-extra"});
  REQUIRE(tags.size() == 6);
  CHECK(tags[0] == "asset-shows.talis-wedding.hero");
  CHECK(tags[1] == "preset-card");
  CHECK(tags[2] == "renderer-0.3.0");
  CHECK(tags[3] == "source-c11b1387a778370a");
  CHECK(tags[4] == "x");
  // An id the grammar cannot hold as is gets a hash, so that two such ids do not share a tag.
  const std::string odd = publish::asset_tag("Posters/Été 2024");
  const std::string other = publish::asset_tag("Posters/Été_2024");
  CHECK_FALSE(publish::tag_problem(odd).has_value());
  CHECK(odd != other);
  CHECK(odd.rfind("asset-posters.", 0) == 0);
  const std::string long_tag = publish::asset_tag(std::string(300, 'a'));
  CHECK(long_tag.size() == publish::k_max_tag_chars);
  CHECK_FALSE(publish::tag_problem(long_tag).has_value());
}

TEST_CASE("a manifest tag that cannot be expressed on every CDN is an error with its position and reason") {
  CHECK(problems_of(site("tags: [ok-tag]", "tags: [shows]")).empty());
  const std::string colon = problems_of(site("tags: [ok, 'team:web']", "tags: [Shows]"));
  CHECK(colon.find("5:60: 'tags' in preset 'card': tag 'team:web' has ':'") != std::string::npos);
  CHECK(colon.find("an asset's 'tags': tag 'Shows' has upper case") != std::string::npos);
  std::string many = "tags: [";
  for (int i = 0; i < 21; ++i) many += (i ? ", t" : "t") + std::to_string(i);
  const std::string too_many = problems_of(site(many + "]", "requests: 1"));
  CHECK(too_many.find("lists 21 tags; at most 20") != std::string::npos);
  const std::string header = problems_of(site(R"(cache_control: { browser: "max-age=60; evil" })", "requests: 1"));
  CHECK(header.find("'cache_control' in preset 'card'.browser 'max-age=60; evil' has ';'") != std::string::npos);
  CHECK(problems_of(site("cache_control: { brwser: public }", "requests: 1")).find("did you mean 'browser'") !=
        std::string::npos);
}

TEST_CASE("cache headers and tags change no byte, so they stay out of the recipe hash") {
  presets::Preset plain;
  plain.name = "card";
  presets::Preset tagged = plain;
  tagged.tags = {"campaign-2026"};
  tagged.cache_control.browser = "public, max-age=60";
  tagged.cache_control.cdn = "public, max-age=86400";
  CHECK(engine::recipe_hash(plain, presets::Format::webp, 1, std::nullopt, "") ==
        engine::recipe_hash(tagged, presets::Format::webp, 1, std::nullopt, ""));
  presets::Preset sharper = plain;
  sharper.sharpen = 1.0;
  CHECK(engine::recipe_hash(plain, presets::Format::webp, 1, std::nullopt, "") !=
        engine::recipe_hash(sharper, presets::Format::webp, 1, std::nullopt, ""));
}

TEST_CASE("a rendition is served with its type, cache policy, strong ETag and tags in each CDN's header") {
  output::RenditionRecord r;
  r.asset = "a";
  r.preset = "card";
  r.renderer_version = "0.3.0";
  r.source_hash = "00112233445566778899aabbccddeeff";
  r.content_type = "image/avif";
  r.etag = "57587da06bdd637cbf7b26a5fa9afede";
  presets::Preset preset;
  preset.name = "card";
  preset.tags = {"thumbs"};
  preset.cache_control.cdn = "public, max-age=86400";
  publish::stamp_http(r, preset, {"shows", "thumbs"});
  CHECK(r.cache_control == publish::k_default_cache_control);
  CHECK(r.cdn_cache_control == "public, max-age=86400");
  CHECK(r.surrogate_control.empty());
  CHECK(r.tags == std::vector<std::string>{"asset-a", "preset-card", "renderer-0.3.0", "source-0011223344556677",
                                           "thumbs", "shows"});
  const auto headers = publish::response_headers(r);
  const auto value = [&](const std::string& name) {
    const auto it = std::find_if(headers.begin(), headers.end(), [&](const auto& h) { return h.first == name; });
    return it == headers.end() ? std::string("(absent)") : it->second;
  };
  CHECK(value("Content-Type") == "image/avif");
  CHECK(value("ETag") == "\"57587da06bdd637cbf7b26a5fa9afede\"");
  CHECK(value("Surrogate-Key") == "asset-a preset-card renderer-0.3.0 source-0011223344556677 thumbs shows");
  CHECK(value("Cache-Tag") == "asset-a,preset-card,renderer-0.3.0,source-0011223344556677,thumbs,shows");
  CHECK(value("Surrogate-Control") == "(absent)");
}
