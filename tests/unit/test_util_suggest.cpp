#include <array>
#include <doctest/doctest.h>

#include "util/suggest.hpp"

namespace {
constexpr std::array<std::string_view, 5> k_keys{"width", "height", "fit", "gravity", "enlarge"};
}

TEST_CASE("a transposed key suggests the intended one") {
  CHECK(prerender::util::nearest("widht", k_keys) == "width");
  CHECK(prerender::util::nearest("gravty", k_keys) == "gravity");
}

TEST_CASE("a word far from every key suggests nothing") {
  CHECK_FALSE(prerender::util::nearest("colour", k_keys));
  CHECK(prerender::util::did_you_mean("zzz", k_keys).empty());
}
