#include "popularity/popularity_file.hpp"

#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace prerender::popularity {
namespace {

std::string iso_time(std::int64_t t) {
  const std::int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  const std::int64_t seconds = t - days * 86400;
  // Civil from days (H. Hinnant).
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", year, month, day, seconds / 3600, seconds / 60 % 60,
                     seconds % 60);
}

std::uint64_t rounded(double value) { return static_cast<std::uint64_t>(std::llround(value)); }

}  // namespace

std::string yaml_quote(std::string_view text) {
  // A JSON string is a YAML double-quoted scalar.
  return nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string popularity_yaml(const Tally& tally, const std::vector<AssetCount>& ranked, const CountOptions& options,
                            const std::vector<ProposedAsset>& proposed) {
  std::string out;
  out.reserve(64 * ranked.size() + 1024);
  auto line = std::back_inserter(out);
  fmt::format_to(line,
                 "# Requests per asset, counted from access logs by `prerender popularity`, most requested first.\n"
                 "# A manifest reads it with `popularity: FILE`; an asset's own `requests:` wins.\n"
                 "version: 1\nsummary:\n");
  fmt::format_to(line, "  lines: {}\n  requests_counted: {}\n  requests_mapped: {}\n  requests_unknown: {}\n",
                 tally.lines, tally.counted, tally.mapped, tally.counted - tally.mapped);
  fmt::format_to(line, "  malformed_lines: {}\n  other_status: {}\n", tally.malformed, tally.other_status);
  if (tally.first_time)
    fmt::format_to(line, "  first_request: {}\n  last_request: {}\n", iso_time(*tally.first_time),
                   iso_time(*tally.last_time));
  if (options.since) fmt::format_to(line, "  since: {}\n", iso_time(*options.since));
  if (options.until) fmt::format_to(line, "  until: {}\n", iso_time(*options.until));
  if (options.half_life) fmt::format_to(line, "  half_life_seconds: {}\n", *options.half_life);
  fmt::format_to(line, "  weight: {}\n  cache: {}\n", options.weight == Weight::bytes ? "bytes" : "requests",
                 options.misses_only ? "origin misses only" : "all");
  out += "requests:\n";
  for (const AssetCount& a : ranked)
    if (rounded(a.requests) > 0) fmt::format_to(line, "  {}: {}\n", yaml_quote(a.asset->id), rounded(a.requests));
  if (!proposed.empty()) {
    out +=
        "# Sources that popular URLs ask for and no asset names yet: copy an entry into the manifest's assets:\n"
        "# to render it (the manifest does not read this list).\n"
        "proposed_assets:\n";
    for (const ProposedAsset& p : proposed) {
      fmt::format_to(line, "  - id: {}\n    source: {}\n    presets: [", yaml_quote(p.id), yaml_quote(p.source));
      for (std::size_t i = 0; i < p.presets.size(); ++i)
        fmt::format_to(line, "{}{}", i ? ", " : "", yaml_quote(p.presets[i]));
      fmt::format_to(line, "]\n    requests: {}\n", rounded(p.requests));
    }
  }
  return out;
}

}  // namespace prerender::popularity
