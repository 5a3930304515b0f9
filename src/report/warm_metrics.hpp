#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace prerender::report {

// The last warm (net/warm.hpp's summary) as Prometheus text for node_exporter's textfile collector, beside
// the run's (README "Metrics"): URLs by result (hit, miss, unknown, failed, not_started), retries, bytes,
// latency p50/p95/max, requests per second, duration, end time, success and the last success's time.
std::string warm_prometheus_text(const nlohmann::json& summary, bool success, double now_seconds,
                                 std::optional<double> last_success_seconds);

// Writes it atomically; a failed warm keeps the previous file's last-success timestamp.
void write_warm_metrics_file(const std::filesystem::path& path, const nlohmann::json& summary, bool success);

}  // namespace prerender::report
