#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "output/journal.hpp"

namespace prerender::report {

// What a run did, for run.json and the end-of-run summary.
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
  std::vector<std::string> problems;  // what the output storage refused (journal lines, lists, run.json)
};

// run.json: counts, wall time and throughput, per-stage totals with p50/p95/max, the same per preset,
// the five slowest renditions, peak RSS, versions.
nlohmann::json run_json(const RunSummary& summary);

// The end-of-run summary for people: counts, throughput, stages and presets by cost.
std::string summary_text(const RunSummary& summary);

}  // namespace prerender::report
