#include <doctest/doctest.h>
#include <variant>

#include "output/path_template.hpp"

using namespace prerender;
using output::PathTemplate;

namespace {
PathTemplate parse_ok(std::string_view text) {
  auto parsed = PathTemplate::parse(text);
  REQUIRE(std::holds_alternative<PathTemplate>(parsed));
  return std::get<PathTemplate>(parsed);
}
}  // namespace

TEST_CASE("the default template expands dpr to nothing at 1x and @2x at 2x") {
  const PathTemplate t = parse_ok("{asset}/{preset}{dpr}.{ext}");
  CHECK(output::expand(t, {"shows/a", "hero", presets::Format::jpeg, 1, {}, {}}) == "shows/a/hero.jpg");
  CHECK(output::expand(t, {"shows/a", "hero", presets::Format::avif, 2, {}, {}}) == "shows/a/hero@2x.avif");
  CHECK(output::expand(t, {"shows/a", "hero", presets::Format::webp, 1.5, {}, {}}) == "shows/a/hero@1.5x.webp");
}

TEST_CASE("width, height and format placeholders expand") {
  const PathTemplate t = parse_ok("{format}/{width}x{height}/{asset}.{ext}");
  CHECK(output::expand(t, {"a", "p", presets::Format::jpeg, 2, 800, 450}) == "jpeg/800x450/a.jpg");
}

TEST_CASE("a template with an unknown placeholder or unbalanced brace is refused") {
  CHECK(std::get<std::string>(PathTemplate::parse("{asset}/{size}.jpg")).find("unknown placeholder '{size}'") == 0);
  CHECK(std::holds_alternative<std::string>(PathTemplate::parse("{asset/x")));
  CHECK(std::holds_alternative<std::string>(PathTemplate::parse("{asset}}")));
  CHECK(std::holds_alternative<std::string>(PathTemplate::parse("static/{preset}.{ext}")));
}

TEST_CASE("paths that escape the output root are unsafe") {
  CHECK(output::path_problem("a/b.jpg").empty());
  CHECK_FALSE(output::path_problem("../a.jpg").empty());
  CHECK_FALSE(output::path_problem("a/../../b.jpg").empty());
  CHECK_FALSE(output::path_problem("/etc/passwd").empty());
  CHECK_FALSE(output::path_problem("a//b.jpg").empty());
  CHECK_FALSE(output::path_problem(std::string("a\0b", 3)).empty());
  CHECK_FALSE(output::path_problem("a\nb.jpg").empty());
  CHECK_FALSE(output::path_problem("renditions.jsonl").empty());
  CHECK_FALSE(output::path_problem("a/.prerender-tmp").empty());
}

TEST_CASE("urls percent-encode what is not URL-safe") {
  CHECK(output::url_for("https://img.example.com/", "shows/a b/hero@2x.jpg") ==
        "https://img.example.com/shows/a%20b/hero@2x.jpg");
}

TEST_CASE("shard journals and lists are reserved names at the root") {
  CHECK_FALSE(output::path_problem("renditions-0-of-3.jsonl").empty());
  CHECK_FALSE(output::path_problem("urls-1-of-2.txt").empty());
  CHECK(output::path_problem("shows/urls.txt").empty());
}
