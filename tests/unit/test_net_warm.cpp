#include <doctest/doctest.h>

#include "net/cache_status.hpp"
#include "net/latency.hpp"
#include "net/warm.hpp"

using namespace prerender;
using net::CacheStatus;

TEST_CASE("the cache status is read from X-Cache, CF-Cache-Status, X-Cache-Hits, then Age") {
  CHECK(net::cache_status("HIT", "", "", "") == CacheStatus::hit);
  CHECK(net::cache_status("MISS", "", "", "12") == CacheStatus::miss);     // X-Cache says more than Age
  CHECK(net::cache_status("HIT, MISS", "", "", "") == CacheStatus::miss);  // Fastly: shield hit, edge miss
  CHECK(net::cache_status("Hit from cloudfront", "", "", "") == CacheStatus::hit);
  CHECK(net::cache_status("", "EXPIRED", "", "") == CacheStatus::miss);
  CHECK(net::cache_status("", "REVALIDATED", "", "") == CacheStatus::hit);
  CHECK(net::cache_status("", "", "0, 3", "") == CacheStatus::hit);
  CHECK(net::cache_status("", "", "0", "") == CacheStatus::miss);
  CHECK(net::cache_status("", "", "", "5") == CacheStatus::hit);
  CHECK(net::cache_status("", "", "", "0") == CacheStatus::unknown);  // Varnish's Age is whole seconds: often 0
  CHECK(net::cache_status("", "", "", "") == CacheStatus::unknown);
}

TEST_CASE("latency percentiles come from fixed buckets within 1% of the true value") {
  net::LatencyHistogram h;
  for (int i = 1; i <= 1000; ++i) h.add(i / 1000.0);  // 1 ms .. 1 s
  CHECK(h.count() == 1000);
  CHECK(h.quantile(0.5) == doctest::Approx(0.5).epsilon(0.011));
  CHECK(h.quantile(0.95) == doctest::Approx(0.95).epsilon(0.011));
  CHECK(h.max() == 1.0);
  CHECK(net::LatencyHistogram().quantile(0.5) == 0);
}

TEST_CASE("a listed URL is requested at the CDN's address with its own path and query") {
  CHECK(net::target_url("http://127.0.0.1:8080", "https://img.example.com/a/b.jpg") == "http://127.0.0.1:8080/a/b.jpg");
  CHECK(net::target_url("https://cdn.example.com/", "/a/b.jpg?v=2") == "https://cdn.example.com/a/b.jpg?v=2");
  CHECK(net::target_url("https://cdn.example.com/ignored/", "a/b.jpg") == "https://cdn.example.com/a/b.jpg");
  CHECK_FALSE(net::cdn_problem("https://cdn.example.com").has_value());
  CHECK(net::cdn_problem("cdn.example.com").value() == "'cdn.example.com' is not an http:// or https:// URL");
  CHECK(net::cdn_problem("https://").value() == "'https://' names no host");
  CHECK_FALSE(net::edge_problem("203.0.113.7:443").has_value());
  CHECK(net::edge_problem("203.0.113.7").value() == "'203.0.113.7' is not HOST:PORT");
  CHECK(net::edge_problem("edge:99999").value() == "'edge:99999' has no valid port");
}
