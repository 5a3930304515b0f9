#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "report/run_report.hpp"

namespace prerender::report {

// The run as Prometheus text exposition for node_exporter's textfile collector. Every metric is a gauge
// describing the last run (README "Metrics" lists them): renditions by status, stage seconds, bytes
// written by format, run duration, peak RSS, the run's end time, whether it succeeded, and the time of
// the last successful run.
std::string prometheus_text(const RunStats& stats, bool success, double now_seconds,
                            std::optional<double> last_success_seconds);

// The value of the unlabelled gauge `name` in an earlier textfile at `path`; nothing when there is none.
std::optional<double> previous_gauge(const std::filesystem::path& path, std::string_view name);

// Writes the file atomically (the collector may read it at any moment). A failed run keeps the previous
// file's last-success timestamp.
void write_metrics_file(const std::filesystem::path& path, const RunStats& stats, bool success);

}  // namespace prerender::report
