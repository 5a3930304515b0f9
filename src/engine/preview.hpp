#pragma once

#include "engine/plan.hpp"
#include "engine/run.hpp"
#include "report/preview.hpp"

namespace prerender::engine {

enum class Fresh { no, yes };

// The renditions of the planned assets, for people to look at. Fresh::no takes them from the output
// root as the last runs left them (renditions.jsonl and the files); Fresh::yes renders them now into a
// temporary folder (everything, nothing skipped), leaving the output root alone.
// Throws util::FatalError when the output root holds no journal (with Fresh::no) or a temporary folder
// cannot be made.
report::Preview build_preview(const PlannedManifest& planned, Fresh fresh, const RunOptions& run);

}  // namespace prerender::engine
