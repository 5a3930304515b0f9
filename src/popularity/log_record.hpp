#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prerender::popularity {

// Log formats `popularity` reads; README "Popularity" documents each.
enum class LogFormat { combined, cloudfront, json };
inline constexpr std::array<std::string_view, 3> k_format_names{"combined", "cloudfront", "json"};

// Whether the CDN served the request from its cache or had to ask the origin.
enum class CacheState { unknown, hit, miss };

// One request, as the log tells it. Views point into the line (or into the parser's own buffer for
// JSON strings with escapes) and are valid until the next line is parsed.
struct LogRecord {
  std::string_view url;  // the request target: a path, or an absolute URL, with its query string
  int status = 0;
  std::uint64_t bytes = 0;
  std::optional<std::int64_t> time;  // Unix seconds, UTC
  CacheState cache = CacheState::unknown;
};

// "HIT", "MISS", "EXPIRED", "RefreshHit", "PASS", ... (nginx $upstream_cache_status, CloudFront
// x-edge-result-type, Fastly's cache state), case-insensitively; unknown for anything else.
CacheState cache_state(std::string_view text);

// The Unix time of a calendar date and time, UTC.
std::int64_t unix_time(int year, int month, int day, int hour, int minute, int second);

// "2026-12-01T10:00:00Z", "2026-12-01T10:00:00.123+02:00", "2026-12-01 10:00:00" (UTC), "2026-12-01".
// Nothing when it is not such a time.
std::optional<std::int64_t> parse_iso_time(std::string_view text);

// The names of the fields a JSON-lines log uses (Fastly and others let the user choose them).
struct JsonFields {
  std::string url = "url", status = "status", cache = "cache_status", bytes = "bytes", time = "timestamp";
};

// Parses one line of one format. A parser keeps what a format needs across lines (CloudFront's #Fields
// header) and a buffer for unescaped text, so a line costs no allocation in the common case.
class LineParser {
 public:
  LineParser(LogFormat format, JsonFields fields);

  enum class Result { record, skip, malformed };
  // `record` fills `out`; `skip` is a line that holds no request (a comment or header, an empty line);
  // `malformed` sets why() to the reason.
  Result parse(std::string_view line, LogRecord& out);
  const std::string& why() const { return m_why; }
  LogFormat format() const { return m_format; }

 private:
  Result parse_combined(std::string_view line, LogRecord& out);
  Result parse_cloudfront(std::string_view line, LogRecord& out);
  Result parse_json(std::string_view line, LogRecord& out);
  Result malformed(std::string why);

  LogFormat m_format;
  JsonFields m_fields;
  std::string m_why;
  // CloudFront: the column of each field we read, from the "#Fields:" line (-1: absent).
  int m_date = -1, m_time = -1, m_stem = -1, m_status = -1, m_bytes = -1, m_result = -1;
  std::string m_url;  // the URL of a JSON line (nlohmann::json's string does not outlive the line)
};

// The format of a log from its first line that is not empty: "#Version:"/"#Fields:" is CloudFront, '{'
// JSON lines, anything else combined.
LogFormat detect_format(std::string_view first_line);

}  // namespace prerender::popularity
