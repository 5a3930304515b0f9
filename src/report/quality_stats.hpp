#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "output/journal.hpp"

namespace prerender::report {

// The encoder work of a run and the qualities it chose: what `quality: auto` and `max_bytes` cost, and
// what they decided, per preset and format.
struct QualityStats {
  std::uint64_t encodes = 0, scores = 0;  // encodes, butteraugli computations
  std::size_t searched = 0, remembered = 0, target_missed = 0;
  // "preset/format" -> chosen quality -> renditions, and the scores of those with one.
  std::map<std::string, std::map<int, std::size_t>> chosen;
  std::map<std::string, std::vector<double>> score_values;
};

// Over this run's rendered records.
QualityStats quality_stats(const std::vector<output::RenditionRecord>& records);

// run.json's "quality": the counts, and per "preset/format" the chosen qualities and score p50/max.
nlohmann::json to_json(const QualityStats& stats);

// What quality: auto decided beside the quality, for captions: " at 4:4:4 (butteraugli 1.48)"; empty
// without a score.
std::string auto_quality_note(const std::optional<double>& score, bool full_chroma);

// Lines for the end-of-run summary: one per preset/format that decided its quality; empty when none did.
std::string quality_text(const QualityStats& stats);

}  // namespace prerender::report
