#include <chrono>
#include <cstdio>
#include <fmt/format.h>

#include "cli/context.hpp"
#include "engine/plan.hpp"
#include "output/atomic_write.hpp"
#include "popularity/log_record.hpp"
#include "popularity/measure.hpp"
#include "util/units.hpp"

namespace prerender::cli {
namespace {

struct PopularityOptions {
  std::string file;
  std::vector<std::string> logs;
  std::string output;
  std::string format = "auto";
  std::vector<std::string> json_fields;
  std::string since, until, half_life;
  bool misses = false, any_status = false, add_assets = false;
  std::string weight = "requests";
  std::vector<std::size_t> coverage;
  std::size_t unknown = 10;
};

// An ISO 8601 time, or a duration before now ("24h": since a day ago).
std::int64_t parse_time_option(const std::string& text, const char* name) {
  if (const auto t = popularity::parse_iso_time(text)) return *t;
  if (const auto seconds = util::parse_duration(text)) {
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    return now - static_cast<std::int64_t>(*seconds);
  }
  throw CLI::ValidationError(name,
                             "must be a UTC time such as 2026-12-01T00:00:00Z or a duration before now such as 24h");
}

popularity::JsonFields parse_json_fields(const std::vector<std::string>& items) {
  popularity::JsonFields fields;
  std::vector<std::string> pairs;  // "url=a,status=b" (CLI11's delimiter would count each pair as a value)
  for (const std::string& item : items)
    for (std::size_t start = 0; start <= item.size();) {
      const std::size_t comma = std::min(item.find(',', start), item.size());
      pairs.push_back(item.substr(start, comma - start));
      start = comma + 1;
    }
  for (const std::string& item : pairs) {
    const std::size_t eq = item.find('=');
    const std::string key = item.substr(0, eq), value = eq == std::string::npos ? "" : item.substr(eq + 1);
    std::string* target = key == "url"      ? &fields.url
                          : key == "status" ? &fields.status
                          : key == "cache"  ? &fields.cache
                          : key == "bytes"  ? &fields.bytes
                          : key == "time"   ? &fields.time
                                            : nullptr;
    if (!target || value.empty())
      throw CLI::ValidationError(
          "--json-fields", fmt::format("'{}' must be KEY=NAME with KEY one of url, status, cache, bytes, time", item));
    *target = value;
  }
  return fields;
}

popularity::MeasureOptions measure_options(const PopularityOptions& o) {
  popularity::MeasureOptions m;
  if (!o.since.empty()) m.count.since = parse_time_option(o.since, "--since");
  if (!o.until.empty()) m.count.until = parse_time_option(o.until, "--until");
  if (!o.half_life.empty()) {
    const auto seconds = util::parse_duration(o.half_life);
    if (!seconds || *seconds <= 0) throw CLI::ValidationError("--half-life", "must be a duration such as 12h or 3d");
    m.count.half_life = *seconds;
  }
  m.count.misses_only = o.misses;
  m.count.any_status = o.any_status;
  m.count.weight = o.weight == "bytes" ? popularity::Weight::bytes : popularity::Weight::requests;
  if (o.format != "auto")
    m.format = static_cast<popularity::LogFormat>(
        std::find(popularity::k_format_names.begin(), popularity::k_format_names.end(), o.format) -
        popularity::k_format_names.begin());
  m.fields = parse_json_fields(o.json_fields);
  if (!o.coverage.empty()) m.coverage_tops.insert(m.coverage_tops.end(), o.coverage.begin(), o.coverage.end());
  m.unknown_prefixes = o.unknown;
  m.add_assets = o.add_assets;
  return m;
}

void add_popularity_options(CLI::App& command, PopularityOptions& o) {
  command.add_option("MANIFEST", o.file, "The manifest (YAML)")->required();
  command.add_option("LOG", o.logs, "Access logs (plain or gzip; '-' reads standard input)")->required();
  command.add_option(
      "-o,--output", o.output,
      "The popularity file to write (default: the manifest's 'popularity:', else popularity.yaml beside it)");
  command
      .add_option("--format", o.format,
                  "Log format: auto (per log, from its first line), combined (nginx/Apache), cloudfront, json")
      ->check(CLI::IsMember({"auto", "combined", "cloudfront", "json"}))
      ->capture_default_str();
  command
      .add_option("--json-fields", o.json_fields,
                  "JSON-lines field names, KEY=NAME for url, status, cache, bytes, time "
                  "(defaults url, status, cache_status, bytes, timestamp; a.b reaches into objects)")
      ->allow_extra_args(false);
  command.add_option("--since", o.since, "Count requests from this time (ISO 8601 UTC, or a duration before now: 24h)");
  command.add_option("--until", o.until, "Count requests before this time (same forms)");
  command.add_option("--half-life", o.half_life,
                     "Weigh requests by age: one this old counts half (e.g. 12h); ages are "
                     "taken from --until, else the newest request");
  command.add_flag("--misses", o.misses, "Count only requests the CDN passed to the origin (the log's cache state)");
  command.add_option("--weight", o.weight, "What a request counts: requests (1 each) or bytes (bytes sent)")
      ->check(CLI::IsMember({"requests", "bytes"}))
      ->capture_default_str();
  command.add_flag("--any-status", o.any_status, "Count every status (default: 2xx and 304 only)");
  command
      .add_option("--coverage", o.coverage,
                  "Also report the share of the top N assets (repeatable; 10, 100, ... always)")
      ->allow_extra_args(false)
      ->check(CLI::PositiveNumber);
  command.add_option("--unknown", o.unknown, "Folders of unknown URLs to report")->capture_default_str();
  command.add_flag("--add-assets", o.add_assets,
                   "Propose sources that popular unknown URLs ask for (under sources.root) as "
                   "proposed_assets in the popularity file; the manifest never renders them by itself");
}

}  // namespace

void add_popularity(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand(
      "popularity", "Count requests per asset from CDN or origin access logs and write the popularity file");
  command->footer(
      "Writes YAML: requests per asset, most requested first; a manifest reads it with `popularity: FILE` (an asset's\n"
      "own `requests:` wins). Prints how much of the requests the top N assets take and which of them have no "
      "up-to-date\n"
      "renditions, and the folders of URLs that map to no rendition. Malformed lines are counted, never fatal.\n"
      "Example: prerender popularity site.yaml /var/log/nginx/access.log.1 /var/log/nginx/access.log.2.gz --since 24h\n"
      "Exit 0 when written; 2 on a usage or manifest error or a log that cannot be read (nothing written).");
  auto options = std::make_shared<PopularityOptions>();
  add_popularity_options(*command, *options);
  command->callback([&context, options] {
    const popularity::MeasureOptions measure = measure_options(*options);
    try {
      const engine::PlannedManifest planned = engine::load_and_plan(options->file, {}, false);
      const popularity::Measurement m = popularity::measure(planned, options->logs, measure);
      const std::filesystem::path target = !options->output.empty() ? std::filesystem::path(options->output)
                                           : !planned.manifest.popularity_file.empty()
                                               ? planned.manifest.popularity_file
                                               : planned.manifest.folder / "popularity.yaml";
      output::write_atomically(target, m.file_text);
      const std::string report = popularity::report_text(m, options->logs.size());
      std::fwrite(report.data(), 1, report.size(), stdout);
      fmt::print("wrote {} ({} assets){}\n", target.string(), m.ranked.size(),
                 planned.manifest.popularity_file.empty() ? "; the manifest reads it with `popularity: FILE`" : "");
      context.exit_code = ExitCode::ok;
    } catch (const manifest::ManifestError& e) {
      context.exit_code = report_manifest_error(e, options->file);
    } catch (const std::runtime_error& e) {
      std::fprintf(stderr, "prerender popularity: %s; nothing was written\n", e.what());
      context.exit_code = ExitCode::usage;
    }
  });
}

}  // namespace prerender::cli
