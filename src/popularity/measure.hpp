#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/plan.hpp"
#include "popularity/counter.hpp"
#include "popularity/coverage.hpp"
#include "popularity/popularity_file.hpp"
#include "popularity/ranking.hpp"

namespace prerender::popularity {

struct MeasureOptions {
  CountOptions count;
  std::optional<LogFormat> format;  // unset: detected per log
  JsonFields fields;
  std::vector<std::size_t> coverage_tops{10, 100, 1000, 10000, 100000};
  std::size_t unknown_prefixes = 10;
  bool add_assets = false;  // propose sources that popular unknown URLs ask for
};

struct Measurement {
  Tally tally;
  std::vector<AssetCount> ranked;
  std::vector<PrefixCount> unknown_prefixes;
  std::vector<CoverageLine> coverage;
  std::vector<ProposedAsset> proposed;
  std::string file_text;  // the popularity file
};

// Reads every log against the whole manifest's plan (`planned` must be planned with no selection) and the
// output root's journal, and computes the popularity file and the report. Throws std::runtime_error when a
// log or the journal cannot be read.
Measurement measure(const engine::PlannedManifest& planned, const std::vector<std::string>& logs,
                    const MeasureOptions& options);

// What `prerender popularity` prints: counts, the first malformed lines, coverage, unknown prefixes and
// proposals.
std::string report_text(const Measurement& measurement, std::size_t log_count);

}  // namespace prerender::popularity
