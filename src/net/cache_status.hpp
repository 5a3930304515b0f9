#pragma once

#include <string_view>

namespace prerender::net {

enum class CacheStatus { hit, miss, unknown };
std::string_view name(CacheStatus status);

// What the cache that answered says, from the usual headers, most explicit first: X-Cache (Fastly,
// CloudFront, Varnish set-ups: the last of "HIT, MISS" is the edge nearest the client), CF-Cache-Status
// (Cloudflare: HIT, STALE, UPDATING, REVALIDATED are hits), X-Cache-Hits (the last count), then Age > 0.
CacheStatus cache_status(std::string_view x_cache, std::string_view cf_cache_status, std::string_view x_cache_hits,
                         std::string_view age);

}  // namespace prerender::net
