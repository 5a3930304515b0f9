#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "net/cache_status.hpp"

namespace prerender::net {

struct WarmOptions {
  std::filesystem::path list;      // urls.txt (priority order) or changed.txt
  std::optional<std::size_t> top;  // only the first N lines
  std::string cdn;                 // scheme://host[:port]: where each URL's path is requested
  std::vector<std::string> edges;  // HOST:PORT points of presence; empty: the CDN's own address
  int concurrency = 32;
  double rate = 0;                           // requests per second at most; 0: no limit
  int retries = 3;                           // after a 5xx, 429, time-out or connection error
  double backoff_seconds = 0.5;              // before the first retry; doubles each time, at most 8 s
  double timeout_seconds = 30;               // per request
  std::optional<double> deadline_seconds;    // stop starting requests after this long
  const std::atomic<int>* signal = nullptr;  // set by a handler: stop starting requests
};

struct UrlResult {
  std::string url;   // as requested (the CDN's address and the listed path)
  std::string edge;  // "" or HOST:PORT
  long status = 0;
  std::uint64_t bytes = 0;
  double seconds = 0;  // of the last attempt
  CacheStatus cache = CacheStatus::unknown;
  int attempts = 0;
  long http_version = 0;
  std::string error;  // empty when it succeeded
  bool ok() const { return error.empty(); }
};

struct WarmResult {
  std::size_t requests = 0, ok = 0, hits = 0, misses = 0, unknown = 0, failed = 0, retries = 0, not_started = 0;
  std::uint64_t bytes = 0;
  double wall_seconds = 0;
  int signal = 0;
  bool deadline_reached = false;
  nlohmann::json summary_json;  // README "Warming" lists the fields
  std::string summary;          // for people
};

struct WarmCallbacks {
  std::function<void(std::size_t total)> on_start;
  std::function<void(const UrlResult&, std::size_t done, std::size_t failed)> on_url;
};

// Requests every listed URL's path through `cdn` (once per edge), in list order, at most `concurrency` at
// once and `rate` a second, retrying with backoff. Reads the list as it goes (twice: once to count), so
// memory does not grow with it. Throws std::runtime_error when the list cannot be read.
WarmResult warm(const WarmOptions& options, const WarmCallbacks& callbacks);

// The URL a listed line is requested at: the CDN's scheme and authority, then the line's path and query.
// "https://img.example.com/a/b.jpg" or "/a/b.jpg" with cdn "http://127.0.0.1:8080" -> "http://127.0.0.1:8080/a/b.jpg".
std::string target_url(std::string_view cdn, std::string_view listed);

// Nothing when `cdn` is an http(s) URL and every edge HOST:PORT; otherwise what is wrong, for --cdn/--edge.
std::optional<std::string> cdn_problem(std::string_view cdn);
std::optional<std::string> edge_problem(std::string_view edge);

}  // namespace prerender::net
