#include <doctest/doctest.h>

#include "util/units.hpp"

using prerender::util::parse_duration;
using prerender::util::parse_size;

TEST_CASE("sizes accept binary and decimal units") {
  CHECK(parse_size("30KiB") == 30 * 1024);
  CHECK(parse_size("64MiB") == 64ull << 20);
  CHECK(parse_size("2MB") == 2'000'000);
  CHECK(parse_size("1.5KiB") == 1536);
  CHECK(parse_size("4096") == 4096);
  CHECK(parse_size("10 kib") == 10240);
}

TEST_CASE("sizes reject what is not a size") {
  CHECK_FALSE(parse_size(""));
  CHECK_FALSE(parse_size("KiB"));
  CHECK_FALSE(parse_size("12 parsecs"));
  CHECK_FALSE(parse_size("-5KiB"));
  CHECK_FALSE(parse_size("1.5"));
  CHECK_FALSE(parse_size("99999999999TiB"));
}

TEST_CASE("durations accept units and combinations") {
  CHECK(parse_duration("45m") == 2700);
  CHECK(parse_duration("2h") == 7200);
  CHECK(parse_duration("1h30m") == 5400);
  CHECK(parse_duration("500ms") == doctest::Approx(0.5));
  CHECK(parse_duration("90") == 90);
  CHECK_FALSE(parse_duration("soon"));
  CHECK_FALSE(parse_duration("5 minutes"));
  CHECK_FALSE(parse_duration(""));
}
