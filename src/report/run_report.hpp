#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "output/journal.hpp"
#include "output/object_sink.hpp"
#include "report/quality_stats.hpp"

namespace prerender::report {

// What a run did, as the engine knows it at the end: the input of run_stats.
struct RunSummary {
  std::string manifest;
  std::size_t rendered = 0, up_to_date = 0, failed = 0, changed = 0;
  std::size_t assets = 0, assets_not_started = 0, renditions_not_started = 0;
  bool deadline_reached = false;
  int signal = 0;
  double wall_seconds = 0;
  std::uint64_t peak_rss_bytes = 0;
  int jobs = 1;
  std::uint64_t memory_budget = 0, peak_admitted_bytes = 0;
  const std::vector<output::RenditionRecord>* records = nullptr;  // this run's
  std::vector<std::string> problems;                // what the output storage refused (journal lines, lists, run.json)
  std::string store;                                // "s3://bucket/prefix/" when the output root is an object store
  std::optional<output::StoreCounts> store_counts;  // the renditions' uploads (not the journal's and lists')
};

// Seconds of one stage over the renditions rendered (rounded to the microsecond).
struct StageStats {
  double total = 0, p50 = 0, p95 = 0, max = 0;
  std::size_t count = 0;
};

// Read is per asset (counted on its first rendition); a decode's or shared transform's time is carried by
// the first rendition made from it; so totals add up to the work done.
struct StageTable {
  StageStats read, decode, transform, encode, write, rendition;
};

struct SlowRendition {
  std::string asset, preset, format;
  double dpr = 1, seconds = 0;
};

// The statistics of a run, computed once: run.json, the end-of-run summary and the metrics are each a
// view of this, so they cannot disagree.
struct RunStats {
  RunSummary summary;  // without its records
  double renditions_per_second = 0;
  StageTable stages;
  std::map<std::string, StageTable> presets;                     // by preset name
  std::vector<SlowRendition> slowest;                            // at most five, slowest first
  std::map<std::string, std::uint64_t> bytes_written_by_format;  // of the renditions whose bytes changed
  QualityStats quality;                                          // encodes, scores, chosen qualities
};

RunStats run_stats(const RunSummary& summary);

// run.json: counts, wall time and throughput, per-stage totals with p50/p95/max, the same per preset,
// the five slowest renditions, peak RSS, versions.
nlohmann::json to_json(const RunStats& stats);

// The end-of-run summary for people: counts, throughput, stages and presets by cost.
std::string summary_text(const RunStats& stats);

}  // namespace prerender::report
