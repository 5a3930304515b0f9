#include "net/cache_status.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace prerender::net {
namespace {

std::string last_item_upper(std::string_view text) {
  const auto comma = text.rfind(',');
  if (comma != std::string_view::npos) text.remove_prefix(comma + 1);
  std::string out;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string_view name(CacheStatus status) {
  switch (status) {
    case CacheStatus::hit: return "hit";
    case CacheStatus::miss: return "miss";
    case CacheStatus::unknown: return "unknown";
  }
  return "unknown";
}

CacheStatus cache_status(std::string_view x_cache, std::string_view cf, std::string_view x_cache_hits,
                         std::string_view age) {
  if (!x_cache.empty()) {
    const std::string last = last_item_upper(x_cache);
    if (last.find("HIT") != std::string::npos) return CacheStatus::hit;
    if (last.find("MISS") != std::string::npos || last.find("PASS") != std::string::npos) return CacheStatus::miss;
  }
  if (!cf.empty()) {
    const std::string v = last_item_upper(cf);
    if (v == "HIT" || v == "STALE" || v == "UPDATING" || v == "REVALIDATED") return CacheStatus::hit;
    return CacheStatus::miss;  // MISS, EXPIRED, BYPASS, DYNAMIC, NONE
  }
  if (!x_cache_hits.empty()) {
    const std::string last = last_item_upper(x_cache_hits);
    if (!last.empty() && std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return last == std::string(last.size(), '0') ? CacheStatus::miss : CacheStatus::hit;
  }
  if (!age.empty()) {
    const std::string a = last_item_upper(age);
    if (!a.empty() && std::all_of(a.begin(), a.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        a != std::string(a.size(), '0'))
      return CacheStatus::hit;
  }
  return CacheStatus::unknown;
}

}  // namespace prerender::net
