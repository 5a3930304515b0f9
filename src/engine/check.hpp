#pragma once

#include <filesystem>

#include "engine/plan.hpp"
#include "engine/run.hpp"
#include "report/check_result.hpp"

namespace prerender::engine {

enum class Update { no, yes };
enum class ReportImages { no, yes };

struct CheckOptions {
  std::filesystem::path golden;
  Update update = Update::no;
  ReportImages images = ReportImages::no;  // keep the images of failures for the HTML report
  RunOptions run;                          // jobs, memory, signal and the progress hooks
};

// Renders the planned renditions into a temporary folder (everything, nothing skipped) and compares each
// with the reference at the same relative path under `golden`: a reference must exist, hold the same
// format and dimensions (and frame count), differ perceptually by at most the preset's
// check.max_difference, and the new bytes must stay within max_bytes and within check.max_bytes_change of
// the reference's. Byte-identical files match without decoding. Files under `golden` that no rendition of
// the whole manifest writes (whatever the selection) are extra references; hidden files are ignored.
// With Update::yes the new outputs that rendered become the references (only files whose bytes changed
// are rewritten, atomically) and extra references are removed; the result lists what changed.
// Throws util::FatalError when the temporary folder or the reference folder cannot be used.
report::CheckResult run_check(const PlannedManifest& planned, const CheckOptions& options);

}  // namespace prerender::engine
