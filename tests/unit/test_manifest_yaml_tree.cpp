#include <doctest/doctest.h>
#include <string>

#include "manifest/yaml_tree.hpp"

using namespace prerender::manifest;

TEST_CASE("nodes carry 1-based line and column") {
  auto root = parse_yaml("a: 1\nb:\n  c: [x, y]\n", "t.yaml");
  REQUIRE(root->is_map());
  const YamlNode* b = root->find("b");
  REQUIRE(b);
  const YamlNode* c = b->find("c");
  REQUIRE(c);
  CHECK(c->mark.line == 3);
  CHECK(c->mark.column == 6);
  CHECK(c->items.at(1)->scalar == "y");
}

TEST_CASE("duplicate keys are kept so that validation can report them") {
  auto root = parse_yaml("a: 1\na: 2\n", "t.yaml");
  CHECK(root->entries.size() == 2);
}

TEST_CASE("quoted scalars are marked as quoted") {
  auto root = parse_yaml("a: 'true'\nb: true\n", "t.yaml");
  CHECK(root->find("a")->quoted);
  CHECK_FALSE(root->find("b")->quoted);
}

TEST_CASE("a billion-laughs document fails fast at the node limit") {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 12; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", *a" : "*a") + std::to_string(i - 1);
    text += "]\n";
  }
  CHECK_THROWS_WITH_AS(parse_yaml(text, "laughs.yaml"), doctest::Contains("expands to more than"), ManifestError);
}

TEST_CASE("a syntax error names file, line and column") {
  try {
    parse_yaml("a: [1, 2\nb: 3\n", "broken.yaml");
    FAIL("no error");
  } catch (const ManifestError& e) {
    REQUIRE(e.items().size() == 1);
    CHECK(e.items()[0].file == "broken.yaml");
    CHECK(e.items()[0].at.line >= 1);
    CHECK(std::string(e.what()).find("YAML syntax error") != std::string::npos);
  }
}

TEST_CASE("a file over the size limit is refused before parsing") {
  YamlLimits limits;
  limits.max_bytes = 10;
  CHECK_THROWS_AS(parse_yaml("a: 123456789012\n", "big.yaml", limits), ManifestError);
}

TEST_CASE("two documents in one manifest are refused") {
  CHECK_THROWS_WITH_AS(parse_yaml("a: 1\n---\nb: 2\n", "two.yaml"), doctest::Contains("one YAML document"),
                       ManifestError);
}
