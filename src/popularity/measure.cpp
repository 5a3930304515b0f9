#include "popularity/measure.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <stdexcept>
#include <system_error>

#include "engine/incremental.hpp"
#include "engine/run.hpp"
#include "output/journal_index.hpp"
#include "popularity/proposals.hpp"

namespace prerender::popularity {
namespace {

// The output root's journal, read in this one place.
std::vector<output::RenditionRecord> journal_of(const manifest::Manifest& manifest) {
  const auto path = engine::RunFiles::of(manifest.output.root, std::nullopt).journal;
  std::error_code error;
  if (!std::filesystem::exists(std::filesystem::symlink_status(path, error))) return {};
  return output::Journal::read(path);
}

double percent(double part, double whole) { return whole > 0 ? 100 * part / whole : 0; }

}  // namespace

Measurement measure(const engine::PlannedManifest& planned, const std::vector<std::string>& logs,
                    const MeasureOptions& options) {
  const manifest::Manifest& manifest = planned.manifest;
  const std::vector<output::RenditionRecord> journal = journal_of(manifest);
  const UrlMap map(planned.plan, manifest.output.base_url, journal);
  Counter counter(map, options.count);
  for (const std::string& log : logs) counter.read_log(log, options.format, options.fields);
  Measurement out;
  out.tally = counter.finish();
  // A popularity file of zeros would drop every asset's priority: refuse it, and say what the logs lack.
  if (options.count.misses_only && out.tally.hits == 0 && out.tally.counted == 0 && out.tally.no_cache_state > 0)
    throw std::runtime_error(fmt::format(
        "--misses: none of the {} requests has a cache state (nginx: append $upstream_cache_status to the log_format; "
        "JSON lines: --json-fields cache=NAME)",
        with_commas(out.tally.no_cache_state)));
  out.ranked = rank_assets(out.tally, map);
  out.unknown_prefixes = top_unknown_prefixes(out.tally, options.unknown_prefixes);
  // Up to date as run decides it: the journal's compact index, not its records.
  const output::JournalSnapshot previous =
      output::JournalSnapshot::open(engine::RunFiles::of(manifest.output.root, std::nullopt).journal);
  const engine::IncrementalState state(manifest, *previous.index);
  out.coverage = coverage(out.ranked, out.tally.mapped_weight, options.coverage_tops, [&](std::uint32_t index) {
    const engine::AssetState decided = state.decide(planned.plan.assets[index], false);
    for (bool fresh : decided.up_to_date)
      if (!fresh) return false;
    return decided.error.empty();
  });
  if (options.add_assets) out.proposed = propose_assets(out.tally, manifest);
  out.file_text = popularity_yaml(out.tally, out.ranked, options.count, out.proposed);
  return out;
}

std::string report_text(const Measurement& m, std::size_t log_count) {
  const Tally& t = m.tally;
  std::string out;
  auto line = std::back_inserter(out);
  fmt::format_to(line,
                 "popularity: {} lines in {} log{}: {} requests counted; {} ({:.1f}%) to {} assets of the manifest, {} "
                 "to no rendition\n",
                 with_commas(t.lines), log_count, log_count == 1 ? "" : "s", with_commas(t.counted),
                 with_commas(t.mapped), percent(static_cast<double>(t.mapped), static_cast<double>(t.counted)),
                 with_commas(m.ranked.size()), with_commas(t.counted - t.mapped));
  fmt::format_to(line,
                 "popularity: not counted: {} with another status, {} outside the window, {} without a time, {} cache "
                 "hits, {} without a cache state\n",
                 with_commas(t.other_status), with_commas(t.outside_window), with_commas(t.no_time),
                 with_commas(t.hits), with_commas(t.no_cache_state));
  if (t.malformed > 0) {
    fmt::format_to(line, "popularity: {} malformed line{} (skipped):\n", with_commas(t.malformed),
                   t.malformed == 1 ? "" : "s");
    for (const LineProblem& p : t.problems) fmt::format_to(line, "  {}:{}: {}\n", p.file, p.line, p.why);
    if (t.malformed > t.problems.size())
      fmt::format_to(line, "  ... and {} more\n", with_commas(t.malformed - t.problems.size()));
  }
  for (const CoverageLine& c : m.coverage) fmt::format_to(line, "{}\n", describe(c));
  if (!m.unknown_prefixes.empty()) {
    fmt::format_to(line, "URLs that map to no rendition, by folder (candidates for new assets):\n");
    for (const PrefixCount& p : m.unknown_prefixes)
      fmt::format_to(line, "  {:>12}  /{}  ({} path{})\n", with_commas(static_cast<std::uint64_t>(p.requests + 0.5)),
                     p.prefix, with_commas(p.paths), p.paths == 1 ? "" : "s");
  }
  for (const ProposedAsset& p : m.proposed)
    fmt::format_to(line, "proposed asset: {} (source {}, presets {}, {} requests)\n", p.id, p.source,
                   fmt::join(p.presets, ","), with_commas(static_cast<std::uint64_t>(p.requests + 0.5)));
  return out;
}

}  // namespace prerender::popularity
