#include "popularity/log_record.hpp"

#include <algorithm>
#include <cctype>

namespace prerender::popularity {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

// Digits at text[at, at + n) as a number; -1 when one is not a digit.
int digits(std::string_view text, std::size_t at, std::size_t n) {
  if (at + n > text.size()) return -1;
  int value = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

CacheState cache_state(std::string_view text) {
  // Served from the cache: nginx HIT, STALE, UPDATING; CloudFront Hit; Fastly HIT, HIT-STALE, HIT-CLUSTER.
  // From the origin: nginx MISS, EXPIRED, BYPASS, REVALIDATED; CloudFront Miss and RefreshHit (the origin
  // was asked whether the cached copy was still fresh); Fastly MISS, PASS, MISS-CLUSTER.
  if (istarts_with(text, "refreshhit")) return CacheState::miss;
  if (istarts_with(text, "hit") || iequals(text, "stale") || iequals(text, "updating")) return CacheState::hit;
  if (istarts_with(text, "miss") || istarts_with(text, "pass") || iequals(text, "expired") || iequals(text, "bypass") ||
      iequals(text, "revalidated"))
    return CacheState::miss;
  return CacheState::unknown;
}

std::int64_t unix_time(int year, int month, int day, int hour, int minute, int second) {
  // Days from civil (H. Hinnant's algorithm), valid for every Gregorian date.
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = static_cast<unsigned>((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

std::optional<std::int64_t> parse_iso_time(std::string_view text) {
  const int year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || text[4] != '-' || text[7] != '-')
    return std::nullopt;
  if (text.size() == 10) return unix_time(year, month, day, 0, 0, 0);
  if (text.size() < 19 || (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  const int hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return std::nullopt;
  std::int64_t t = unix_time(year, month, day, hour, minute, second);
  std::size_t at = 19;
  if (at < text.size() && (text[at] == '.' || text[at] == ',')) {
    ++at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
  }
  if (at == text.size() || ((text[at] == 'Z' || text[at] == 'z') && at + 1 == text.size())) return t;
  if (text[at] != '+' && text[at] != '-') return std::nullopt;
  const int sign = text[at] == '+' ? 1 : -1;
  const int off_hour = digits(text, at + 1, 2);
  const std::size_t minutes_at = at + 3 < text.size() && text[at + 3] == ':' ? at + 4 : at + 3;
  const int off_minute = digits(text, minutes_at, 2);
  if (off_hour < 0 || off_minute < 0 || minutes_at + 2 != text.size()) return std::nullopt;
  return t - sign * (off_hour * 3600 + off_minute * 60);
}

LogFormat detect_format(std::string_view first_line) {
  if (first_line.starts_with("#Version:") || first_line.starts_with("#Fields:")) return LogFormat::cloudfront;
  if (first_line.starts_with("{")) return LogFormat::json;
  return LogFormat::combined;
}

}  // namespace prerender::popularity
