#include <algorithm>
#include <doctest/doctest.h>

#include "manifest/manifest.hpp"
#include "manifest_support.hpp"
#include "test_support.hpp"

using namespace prerender;
using prerender::test::any_contains;
using prerender::test::problems_of;
using prerender::test::TempDir;
using prerender::test::write_file;

TEST_CASE("an s3:// output root names the bucket, the prefix and the store's options") {
  TempDir dir;
  write_file(dir.path() / "site.yaml", R"(version: 1
output:
  root: s3://renders/site/v2
  s3: { endpoint: "http://127.0.0.1:9000", region: eu-west-1, path_style: false }
)");
  const auto m = manifest::load_manifest(dir.path() / "site.yaml");
  REQUIRE(m.output.store);
  CHECK(m.output.store->bucket == "renders");
  CHECK(m.output.store->prefix == "site/v2/");
  CHECK(m.output.store->endpoint == "http://127.0.0.1:9000");
  CHECK(m.output.store->region == "eu-west-1");
  CHECK(m.output.store->path_style == false);
  CHECK(m.output.store->url() == "s3://renders/site/v2/");
}

TEST_CASE("a folder output root has no store") {
  TempDir dir;
  write_file(dir.path() / "site.yaml", "version: 1\noutput: { root: out/ }\n");
  const auto m = manifest::load_manifest(dir.path() / "site.yaml");
  CHECK_FALSE(m.output.store);
  CHECK(m.output.root == (dir.path() / "out/").lexically_normal());
}

TEST_CASE("s3 output mistakes are diagnostics at the value") {
  TempDir dir;
  CHECK(
      any_contains(problems_of("version: 1\noutput: { root: \"s3://Bad_Bucket/x\" }\n", dir), "names no valid bucket"));
  CHECK(any_contains(problems_of("version: 1\noutput: { root: public/, s3: { region: x } }\n", dir),
                     "'output.s3' needs 'output.root: s3://bucket/prefix'"));
  CHECK(any_contains(problems_of("version: 1\noutput: { root: \"s3://renders\", s3: { endpoint: ftp://x } }\n", dir),
                     "must start with https:// or http://"));
  CHECK(
      any_contains(problems_of("version: 1\noutput: { root: \"s3://renders\", s3: { regoin: x } }\n", dir), "regoin"));
}
