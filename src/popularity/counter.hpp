#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "popularity/log_record.hpp"
#include "popularity/url_map.hpp"

namespace prerender::popularity {

enum class Weight { requests, bytes };

// Which requests count, and how much.
struct CountOptions {
  std::optional<std::int64_t> since, until;  // Unix seconds: since <= time < until
  std::optional<double> half_life;           // seconds: a request counts 2^-(age / half_life)
  bool misses_only = false;                  // only requests the CDN passed to the origin
  bool any_status = false;                   // otherwise 2xx and 304 only
  Weight weight = Weight::requests;
};

// A line that could not be read, for the report.
struct LineProblem {
  std::string file;
  std::uint64_t line = 0;
  std::string why;
};

struct Tally {
  std::vector<double> per_entry;                    // by UrlMap entry
  std::unordered_map<std::string, double> unknown;  // relative paths no rendition has, with their count
  std::uint64_t lines = 0, records = 0, malformed = 0;
  std::uint64_t other_status = 0, outside_window = 0, hits = 0, no_cache_state = 0, no_time = 0;
  std::uint64_t counted = 0, mapped = 0;  // requests that passed every filter; of them mapped
  double mapped_weight = 0, unknown_weight = 0;
  std::optional<std::int64_t> first_time, last_time;
  std::vector<LineProblem> problems;  // the first k_max_problems malformed lines
};

inline constexpr std::size_t k_max_problems = 20;

// Counts requests of logs against a UrlMap. Memory grows with the distinct URLs, not with the lines.
class Counter {
 public:
  Counter(const UrlMap& map, CountOptions options);

  // Reads one log (for_each_line); `format` unset: detected from its first line. Throws std::runtime_error
  // when the log cannot be read (line_source.hpp).
  void read_log(const std::string& path, std::optional<LogFormat> format, const JsonFields& fields);

  // Counts one parsed request (exposed for tests and benchmarks).
  void count(const LogRecord& record);

  // The counts, with the decay taken to the end of the window (--until, or the last request seen).
  Tally finish();

 private:
  void add(double* value, double weight, std::optional<std::int64_t> time);

  const UrlMap& m_map;
  CountOptions m_options;
  Tally m_tally;
  std::string m_scratch;
  std::optional<std::int64_t> m_anchor;  // with a half-life: values are kept relative to this time
};

}  // namespace prerender::popularity
