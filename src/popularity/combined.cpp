// nginx/Apache "combined" (and "common") log lines, split by hand: this runs once per line of logs of
// tens of millions of lines, so no regex and no allocation, only memchr and fixed offsets.
//   host ident user [10/Oct/2000:13:55:36 -0700] "GET /a.jpg HTTP/1.1" 200 2326 "referer" "agent" [cache]
#include <cstring>

#include "popularity/log_record.hpp"

namespace prerender::popularity {
namespace {

constexpr std::string_view k_months = "JanFebMarAprMayJunJulAugSepOctNovDec";

int two(const char* p) { return (p[0] - '0') * 10 + (p[1] - '0'); }

bool all_digits(std::string_view text) {
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return !text.empty();
}

// "10/Oct/2000:13:55:36 -0700"
std::optional<std::int64_t> clf_time(std::string_view t) {
  if (t.size() != 26 || t[2] != '/' || t[6] != '/' || t[11] != ':' || t[14] != ':' || t[17] != ':' || t[20] != ' ')
    return std::nullopt;
  if (!all_digits(t.substr(0, 2)) || !all_digits(t.substr(7, 4)) || !all_digits(t.substr(12, 2)) ||
      !all_digits(t.substr(15, 2)) || !all_digits(t.substr(18, 2)) || !all_digits(t.substr(22, 4)))
    return std::nullopt;
  const std::size_t month = k_months.find(t.substr(3, 3));
  if (month == std::string_view::npos || month % 3 != 0) return std::nullopt;
  const int year = two(t.data() + 7) * 100 + two(t.data() + 9);
  const std::int64_t local = unix_time(year, static_cast<int>(month / 3) + 1, two(t.data()), two(t.data() + 12),
                                       two(t.data() + 15), two(t.data() + 18));
  const int offset = two(t.data() + 22) * 3600 + two(t.data() + 24) * 60;
  if (t[21] == '+') return local - offset;
  if (t[21] == '-') return local + offset;
  return std::nullopt;
}

// The end of a quoted field that starts after `open` (the opening quote): the next '"' not escaped by a
// backslash (Apache writes \", nginx \x22). npos when the line ends first.
std::size_t closing_quote(std::string_view line, std::size_t open) {
  std::size_t at = open + 1;
  for (;;) {
    const void* hit = std::memchr(line.data() + at, '"', line.size() - at);
    if (!hit) return std::string_view::npos;
    const std::size_t quote = static_cast<std::size_t>(static_cast<const char*>(hit) - line.data());
    std::size_t backslashes = 0;
    while (quote - backslashes > open + 1 && line[quote - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return quote;
    at = quote + 1;
  }
}

}  // namespace

LineParser::Result LineParser::parse_combined(std::string_view line, LogRecord& out) {
  if (line.empty()) return Result::skip;
  const std::size_t open = line.find(" [");
  if (open == std::string_view::npos) return malformed("no [time] field");
  const std::size_t close = line.find(']', open);
  if (close == std::string_view::npos) return malformed("the [time] field is not closed");
  out.time = clf_time(line.substr(open + 2, close - open - 2));
  if (!out.time) return malformed("the [time] field is not dd/Mon/yyyy:hh:mm:ss +zzzz");
  if (close + 2 >= line.size() || line[close + 1] != ' ' || line[close + 2] != '"')
    return malformed("no \"request\" after the time");
  const std::size_t request_end = closing_quote(line, close + 2);
  if (request_end == std::string_view::npos) return malformed("the \"request\" field is not closed");
  const std::string_view request = line.substr(close + 3, request_end - close - 3);
  const std::size_t first_space = request.find(' ');
  const std::size_t last_space = request.rfind(' ');
  // "GET /a.jpg HTTP/1.1"; HTTP/0.9 "GET /a.jpg" has no protocol; "-" (nginx, for a request it could not
  // read) has no URL at all.
  if (first_space == std::string_view::npos)
    out.url = {};
  else if (last_space == first_space)
    out.url = request.substr(first_space + 1);
  else
    out.url = request.substr(first_space + 1, last_space - first_space - 1);

  std::size_t at = request_end + 1;
  if (at + 4 > line.size() || line[at] != ' ' || !all_digits(line.substr(at + 1, 3)))
    return malformed("no 3-digit status after the request");
  out.status = (line[at + 1] - '0') * 100 + two(line.data() + at + 2);
  at += 4;
  if (at >= line.size() || line[at] != ' ') return malformed("no bytes field after the status");
  std::size_t bytes_end = line.find(' ', at + 1);
  if (bytes_end == std::string_view::npos) bytes_end = line.size();
  const std::string_view bytes = line.substr(at + 1, bytes_end - at - 1);
  out.bytes = 0;
  if (bytes != "-") {
    if (!all_digits(bytes) || bytes.size() > 19) return malformed("the bytes field is not a number or '-'");
    for (char c : bytes) out.bytes = out.bytes * 10 + static_cast<std::uint64_t>(c - '0');
  }
  // Combined adds "referer" "agent"; nginx configurations often append $upstream_cache_status after them.
  out.cache = CacheState::unknown;
  at = bytes_end;
  for (int quoted = 0; quoted < 2 && at + 1 < line.size() && line[at] == ' ' && line[at + 1] == '"'; ++quoted) {
    const std::size_t end = closing_quote(line, at + 1);
    if (end == std::string_view::npos) return malformed("a quoted field after the bytes is not closed");
    at = end + 1;
  }
  if (at + 1 < line.size() && line[at] == ' ') {
    std::size_t end = line.find(' ', at + 1);
    if (end == std::string_view::npos) end = line.size();
    out.cache = cache_state(line.substr(at + 1, end - at - 1));
  }
  return Result::record;
}

}  // namespace prerender::popularity
