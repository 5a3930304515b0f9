#include <doctest/doctest.h>

#include "popularity/counter.hpp"
#include "popularity/log_record.hpp"
#include "popularity/url_map.hpp"
#include "test_support.hpp"

using namespace prerender;
using namespace prerender::popularity;

namespace {

LogRecord parse_ok(LineParser& parser, std::string_view line) {
  LogRecord record;
  const LineParser::Result result = parser.parse(line, record);
  INFO(parser.why());
  REQUIRE(result == LineParser::Result::record);
  return record;
}

std::string why_malformed(LogFormat format, std::string_view line) {
  LineParser parser(format, {});
  LogRecord record;
  if (parser.parse(line, record) != LineParser::Result::malformed) return "(not malformed)";
  return parser.why();
}

LogRecord at(std::string_view url, std::int64_t time, int status = 200, CacheState cache = CacheState::hit) {
  LogRecord r;
  r.url = url;
  r.time = time;
  r.status = status;
  r.cache = cache;
  r.bytes = 100;
  return r;
}

}  // namespace

TEST_CASE("a combined line gives its URL, status, bytes, UTC time and the cache state nginx appends") {
  LineParser parser(LogFormat::combined, {});
  const LogRecord r = parse_ok(
      parser,
      R"(203.0.113.5 - alice [01/Dec/2026:10:00:00 +0200] "GET /shows/a/hero@2x.avif?v=3 HTTP/2.0" 200 48213 "https://www.example.com/" "Mozilla/5.0" MISS)");
  CHECK(r.url == "/shows/a/hero@2x.avif?v=3");
  CHECK(r.status == 200);
  CHECK(r.bytes == 48213);
  CHECK(r.time == unix_time(2026, 12, 1, 8, 0, 0));
  CHECK(r.cache == CacheState::miss);
  const LogRecord plain =
      parse_ok(parser, R"(::1 - - [31/Jan/2027:23:59:59 -0030] "HEAD /a.jpg HTTP/1.1" 304 - "-" "curl")");
  CHECK(plain.bytes == 0);
  CHECK(plain.cache == CacheState::unknown);
  CHECK(plain.time == unix_time(2027, 2, 1, 0, 29, 59));
}

TEST_CASE("escaped quotes inside a combined field do not end it") {
  LineParser parser(LogFormat::combined, {});
  const LogRecord r = parse_ok(
      parser, R"(h - - [01/Dec/2026:10:00:00 +0000] "GET /a\"b.jpg HTTP/1.1" 200 5 "r\"ef" "agent \"x\"" HIT)");
  CHECK(r.url == R"(/a\"b.jpg)");
  CHECK(r.cache == CacheState::hit);
}

TEST_CASE("a malformed combined line is refused with its own reason") {
  CHECK(why_malformed(LogFormat::combined, "garbage") == "no [time] field");
  CHECK(why_malformed(LogFormat::combined, R"(h - - [01/Dec/2026:10:00 +0000] "GET / HTTP/1.1" 200 1)") ==
        "the [time] field is not dd/Mon/yyyy:hh:mm:ss +zzzz");
  CHECK(why_malformed(LogFormat::combined, R"(h - - [01/Dez/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1)") ==
        "the [time] field is not dd/Mon/yyyy:hh:mm:ss +zzzz");
  CHECK(why_malformed(LogFormat::combined, R"(h - - [01/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1 200 1)") ==
        "the \"request\" field is not closed");
  CHECK(why_malformed(LogFormat::combined, R"(h - - [01/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" OK 1)") ==
        "no 3-digit status after the request");
  CHECK(why_malformed(LogFormat::combined, R"(h - - [01/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 12k)") ==
        "the bytes field is not a number or '-'");
}

TEST_CASE("CloudFront columns come from the #Fields line, in whatever order it lists them") {
  LineParser parser(LogFormat::cloudfront, {});
  LogRecord record;
  CHECK(parser.parse("#Version: 1.0", record) == LineParser::Result::skip);
  CHECK(parser.parse("#Fields: x-edge-result-type sc-status cs-uri-stem date time sc-bytes", record) ==
        LineParser::Result::skip);
  const LogRecord r = parse_ok(parser, "RefreshHit\t200\t/shows/a/card.webp\t2026-12-01\t06:30:00\t1234");
  CHECK(r.url == "/shows/a/card.webp");
  CHECK(r.status == 200);
  CHECK(r.bytes == 1234);
  CHECK(r.time == unix_time(2026, 12, 1, 6, 30, 0));
  CHECK(r.cache == CacheState::miss);  // the origin was asked
  CHECK(parser.parse("Hit\t200", record) == LineParser::Result::malformed);
  CHECK(parser.why() == "2 tab-separated fields; cs-uri-stem is field 3");
}

TEST_CASE("JSON-lines fields are named by the user, reach into objects, and take ISO or Unix times") {
  LineParser parser(LogFormat::json, {"req.url", "status", "fastly.state", "size", "ts"});
  const LogRecord r = parse_ok(
      parser,
      R"({"req":{"url":"/a%20b.jpg"},"status":"304","fastly":{"state":"HIT-STALE"},"size":7,"ts":"2026-12-01T10:00:00.5+01:00"})");
  CHECK(r.url == "/a%20b.jpg");
  CHECK(r.status == 304);
  CHECK(r.bytes == 7);
  CHECK(r.cache == CacheState::hit);
  CHECK(r.time == unix_time(2026, 12, 1, 9, 0, 0));
  CHECK(parse_ok(parser, R"({"req":{"url":"/a"},"status":200,"ts":1796083200123})").time == 1796083200);
  LogRecord record;
  CHECK(parser.parse(R"({"url":"/a","status":200})", record) == LineParser::Result::malformed);
  CHECK(parser.why() == "no string field 'req.url' (the URL; see --json-fields)");
}

TEST_CASE("cache states of nginx, CloudFront and Fastly read as hit or origin miss") {
  for (const char* hit : {"HIT", "Hit", "STALE", "UPDATING", "HIT-CLUSTER"}) CHECK(cache_state(hit) == CacheState::hit);
  for (const char* miss : {"MISS", "Miss", "EXPIRED", "BYPASS", "REVALIDATED", "RefreshHit", "PASS", "MISS-CLUSTER"})
    CHECK(cache_state(miss) == CacheState::miss);
  CHECK(cache_state("-") == CacheState::unknown);
  CHECK(cache_state("Error") == CacheState::unknown);
}

TEST_CASE("the format is told from the first line") {
  CHECK(detect_format("#Version: 1.0") == LogFormat::cloudfront);
  CHECK(detect_format("{\"url\":\"/a\"}") == LogFormat::json);
  CHECK(detect_format("203.0.113.5 - - [01/Dec/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1") == LogFormat::combined);
}

TEST_CASE("a request URL is read as a path under the output root: base URL, origin, query and escapes") {
  const engine::Plan plan;
  const UrlMap map(plan, "https://img.example.com/v1/", {});
  std::string scratch;
  CHECK(map.relative_path("/v1/shows/a/hero.jpg?w=3#x", scratch) == "shows/a/hero.jpg");
  CHECK(map.relative_path("https://img.example.com/v1/shows/a/hero.jpg", scratch) == "shows/a/hero.jpg");
  CHECK(map.relative_path("/shows/a/hero.jpg", scratch) == "shows/a/hero.jpg");  // the origin, at '/'
  CHECK(map.relative_path("/v1/caf%C3%A9/hero%2. jpg", scratch) == "caf\xC3\xA9/hero%2. jpg");
}

TEST_CASE("a half-life halves a request that old, measured from the newest request") {
  const engine::Plan plan;
  const UrlMap map(plan, "", {});
  CountOptions options;
  options.half_life = 3600;
  Counter counter(map, options);
  counter.count(at("/old.jpg", 1000));
  counter.count(at("/new.jpg", 1000 + 7200));
  counter.count(at("/new.jpg", 1000 + 7200));
  const Tally tally = counter.finish();
  CHECK(tally.unknown.at("old.jpg") == doctest::Approx(0.25));
  CHECK(tally.unknown.at("new.jpg") == doctest::Approx(2.0));
}

TEST_CASE("decayed counts survive a window far longer than the half-life") {
  const engine::Plan plan;
  const UrlMap map(plan, "", {});
  CountOptions options;
  options.half_life = 60;
  Counter counter(map, options);
  for (std::int64_t t = 0; t <= 30 * 86400; t += 3600) counter.count(at("/a.jpg", t));  // 2^720 apart
  const Tally tally = counter.finish();
  CHECK(tally.unknown.at("a.jpg") == doctest::Approx(1.0 / (1.0 - std::exp2(-60.0))));
}

TEST_CASE("status, window and cache state filters count what they drop") {
  const engine::Plan plan;
  const UrlMap map(plan, "", {});
  CountOptions options;
  options.since = 100;
  options.until = 200;
  options.misses_only = true;
  options.weight = Weight::bytes;
  Counter counter(map, options);
  counter.count(at("/a.jpg", 150, 200, CacheState::miss));
  counter.count(at("/a.jpg", 150, 304, CacheState::miss));
  counter.count(at("/a.jpg", 150, 404, CacheState::miss));
  counter.count(at("/a.jpg", 150, 200, CacheState::hit));
  counter.count(at("/a.jpg", 150, 200, CacheState::unknown));
  counter.count(at("/a.jpg", 99, 200, CacheState::miss));
  counter.count(at("/a.jpg", 200, 200, CacheState::miss));
  const Tally tally = counter.finish();
  CHECK(tally.counted == 2);
  CHECK(tally.unknown.at("a.jpg") == 200);  // bytes
  CHECK(tally.other_status == 1);
  CHECK(tally.hits == 1);
  CHECK(tally.no_cache_state == 1);
  CHECK(tally.outside_window == 2);
}

TEST_CASE("each sample log is detected from its first line and counted, its 404 left out") {
  const engine::Plan plan;
  const UrlMap map(plan, "", {});
  Counter counter(map, {});
  for (const char* name : {"logs/combined.log", "logs/cloudfront.log", "logs/fastly.jsonl"})
    counter.read_log(test::fixture(name).string(), std::nullopt, {});
  const Tally tally = counter.finish();
  CHECK(tally.lines == 3 + 3 + 2);
  CHECK(tally.malformed == 0);
  CHECK(tally.other_status == 1);
  CHECK(tally.counted == 5);
  CHECK(tally.unknown.at("shows/a/hero.avif") == 2);
  CHECK(tally.unknown.at("shows/a/hero@2x.avif") == 1);
  CHECK(tally.unknown.at("shows/a/card.webp") == 1);
  CHECK(tally.unknown.at("shows/a/card x.webp") == 1);
}
