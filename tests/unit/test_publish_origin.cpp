#include <doctest/doctest.h>

#include "publish/headers.hpp"
#include "publish/origin.hpp"
#include "publish/streams.hpp"
#include "test_support.hpp"

using namespace prerender;

namespace {

output::RenditionRecord record(const std::string& asset, const std::string& path, const std::string& cache_control) {
  output::RenditionRecord r;
  r.asset = asset;
  r.preset = "card";
  r.format = "avif";
  r.path = path;
  r.url = "https://img.example.com/v/" + path;
  r.content_type = "image/avif";
  r.etag = "0123456789abcdef0123456789abcdef";
  r.renderer_version = "0.3.0";
  r.cache_control = cache_control;
  r.tags = {"asset-" + asset, "preset-card"};
  r.status = output::Status::rendered;
  return r;
}

}  // namespace

TEST_CASE("the nginx include maps each rendition's URI to its headers and serves only those") {
  publish::OriginWriter writer("https://img.example.com/v/", "/srv/public");
  writer.add(record("a", "a/card.avif", "public, max-age=60"));
  writer.add(record("b", "b/card.avif", std::string(publish::k_default_cache_control)));
  writer.add(record("c", "c/card.avif", std::string(publish::k_default_cache_control)));
  output::RenditionRecord failed = record("d", "d/card.avif", "x");
  failed.status = output::Status::failed;
  writer.add(failed);
  const publish::OriginFiles files = writer.finish();
  CHECK(files.renditions == 3);
  const std::string& http = files.http_conf;
  CHECK(http.find("    \"/v/a/card.avif\" \"asset-a preset-card\";\n") != std::string::npos);
  CHECK(http.find("    \"/v/b/card.avif\" \"asset-b,preset-card\";\n") != std::string::npos);
  CHECK(http.find("    \"/v/a/card.avif\" \"\\\"0123456789abcdef0123456789abcdef\\\"\";\n") != std::string::npos);
  // The most common Cache-Control is the map's default; only the others are listed.
  CHECK(http.find("map $uri $prerender_cache_control {\n    default \"public, max-age=31536000, immutable\";\n"
                  "    \"/v/a/card.avif\" \"public, max-age=60\";\n}\n") != std::string::npos);
  CHECK(http.find("/v/d/card.avif") == std::string::npos);
  const std::string& server = files.server_conf;
  CHECK(server.find("location /v/ {\n    alias \"/srv/public/\";\n") != std::string::npos);
  CHECK(server.find("if ($prerender_etag = \"\") { return 404; }") != std::string::npos);
  CHECK(server.find("image/jxl jxl; image/gif gif;") != std::string::npos);
  CHECK(files.sidecar.find(R"("x-amz-meta-surrogate-key":"asset-a preset-card")") != std::string::npos);
  CHECK(std::count(files.sidecar.begin(), files.sidecar.end(), '\n') == 3);
}

TEST_CASE("a streamed journal yields the last line of each rendition, skipping unreadable lines") {
  const test::TempDir dir;
  output::RenditionRecord first = record("a", "a/card.avif", "old");
  output::RenditionRecord second = record("a", "a/card.avif", "new");
  output::RenditionRecord other = record("b", "b/card.avif", "b");
  test::write_file(dir.path() / "renditions.jsonl", output::to_json(first).dump() + "\n" +
                                                        output::to_json(other).dump() + "\n{torn\n" +
                                                        output::to_json(second).dump() + "\n");
  std::vector<std::string> seen;
  std::size_t unreadable = 0;
  publish::for_each_latest(
      dir.path() / "renditions.jsonl",
      [&](const output::RenditionRecord& r) { seen.push_back(r.asset + ":" + r.cache_control); }, &unreadable);
  CHECK(seen == std::vector<std::string>{"b:b", "a:new"});
  CHECK(unreadable == 1);
  CHECK_THROWS_WITH_AS(publish::LineReader(dir.path() / "missing.txt"), doctest::Contains("cannot open"),
                       std::runtime_error);
}
