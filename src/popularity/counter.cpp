#include "popularity/counter.hpp"

#include <cmath>
#include <fmt/format.h>

#include "popularity/line_source.hpp"

namespace prerender::popularity {
namespace {

// Past 2^256 the values are brought back to the newest request's scale, long before a double overflows.
constexpr double k_rescale_exponent = 256;

}  // namespace

Counter::Counter(const UrlMap& map, CountOptions options) : m_map(map), m_options(options) {
  m_tally.per_entry.assign(map.size(), 0.0);
}

void Counter::read_log(const std::string& path, std::optional<LogFormat> format, const JsonFields& fields) {
  std::optional<LineParser> parser;
  if (format) parser.emplace(*format, fields);
  LogRecord record;
  const std::string name = path == "-" ? "standard input" : path;
  m_tally.lines += for_each_line(path, [&](const Line& line) {
    if (!parser) {
      if (line.text.empty()) return;
      parser.emplace(detect_format(line.text), fields);
    }
    LineParser::Result result = LineParser::Result::malformed;
    if (!line.too_long) result = parser->parse(line.text, record);
    if (result == LineParser::Result::skip) return;
    if (result == LineParser::Result::record) {
      count(record);
      return;
    }
    ++m_tally.malformed;
    if (m_tally.problems.size() < k_max_problems)
      m_tally.problems.push_back(
          {name, line.number, line.too_long ? fmt::format("longer than {} bytes", k_max_line_bytes) : parser->why()});
  });
}

void Counter::count(const LogRecord& record) {
  ++m_tally.records;
  if (!m_options.any_status && !(record.status >= 200 && record.status < 300) && record.status != 304) {
    ++m_tally.other_status;
    return;
  }
  if (record.time &&
      ((m_options.since && *record.time < *m_options.since) || (m_options.until && *record.time >= *m_options.until))) {
    ++m_tally.outside_window;
    return;
  }
  if (!record.time && (m_options.since || m_options.until || m_options.half_life)) {
    ++m_tally.no_time;
    return;
  }
  if (m_options.misses_only && record.cache != CacheState::miss) {
    ++(record.cache == CacheState::hit ? m_tally.hits : m_tally.no_cache_state);
    return;
  }
  if (record.time) {
    if (!m_tally.first_time || *record.time < *m_tally.first_time) m_tally.first_time = record.time;
    if (!m_tally.last_time || *record.time > *m_tally.last_time) m_tally.last_time = record.time;
  }
  ++m_tally.counted;
  const double weight = m_options.weight == Weight::bytes ? static_cast<double>(record.bytes) : 1.0;
  const std::string_view relative = m_map.relative_path(record.url, m_scratch);
  if (const auto index = m_map.find(relative)) {
    ++m_tally.mapped;
    add(&m_tally.per_entry[*index], weight, record.time);
  } else {
    auto it = m_tally.unknown.find(std::string(relative));
    if (it == m_tally.unknown.end()) it = m_tally.unknown.emplace(std::string(relative), 0.0).first;
    add(&it->second, weight, record.time);
  }
}

void Counter::add(double* value, double weight, std::optional<std::int64_t> time) {
  if (!m_options.half_life) {
    *value += weight;
    return;
  }
  // Each request counts 2^((t - end) / h); the end of the window is known only after the last line, so
  // values are kept as 2^((t - anchor) / h) and scaled once in finish().
  if (!m_anchor) m_anchor = *time;
  double exponent = static_cast<double>(*time - *m_anchor) / *m_options.half_life;
  if (exponent > k_rescale_exponent) {
    const double scale = std::exp2(-exponent);
    for (double& v : m_tally.per_entry) v *= scale;
    for (auto& [path, v] : m_tally.unknown) v *= scale;
    m_anchor = *time;
    exponent = 0;
  }
  *value += weight * std::exp2(exponent);
}

Tally Counter::finish() {
  if (m_options.half_life && m_anchor) {
    const std::int64_t end = m_options.until ? *m_options.until : m_tally.last_time.value_or(*m_anchor);
    const double scale = std::exp2(static_cast<double>(*m_anchor - end) / *m_options.half_life);
    for (double& v : m_tally.per_entry) v *= scale;
    for (auto& [path, v] : m_tally.unknown) v *= scale;
  }
  for (double v : m_tally.per_entry) m_tally.mapped_weight += v;
  for (const auto& [path, v] : m_tally.unknown) m_tally.unknown_weight += v;
  return std::move(m_tally);
}

}  // namespace prerender::popularity
