#include "report/warm_metrics.hpp"

#include <chrono>
#include <fmt/format.h>

#include "output/atomic_write.hpp"
#include "report/metrics.hpp"

namespace prerender::report {
namespace {

void gauge(std::string& out, std::string_view name, std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
}

constexpr std::string_view k_last_success = "prerender_warm_last_success_timestamp_seconds";

}  // namespace

std::string warm_prometheus_text(const nlohmann::json& s, bool success, double now,
                                 std::optional<double> last_success) {
  std::string out;
  gauge(out, "prerender_warm_urls", "URLs of the last warm, by result (hit and miss as the cache said).");
  const auto& r = s.at("results");
  for (const char* result : {"hit", "miss", "unknown", "failed", "not_started"})
    out += fmt::format("prerender_warm_urls{{result=\"{}\"}} {}\n", result, r.value(result, 0));
  gauge(out, "prerender_warm_retries", "Requests of the last warm that were retried (5xx, 429, time-out, connection).");
  out += fmt::format("prerender_warm_retries {}\n", s.value("retries", 0));
  gauge(out, "prerender_warm_bytes", "Body bytes received by the last warm.");
  out += fmt::format("prerender_warm_bytes {}\n", s.value("bytes", 0ull));
  gauge(out, "prerender_warm_latency_seconds", "Latency of the last warm's successful requests.");
  for (const char* q : {"p50", "p95", "max"})
    out += fmt::format("prerender_warm_latency_seconds{{quantile=\"{}\"}} {}\n",
                       q == std::string_view("p50")   ? "0.5"
                       : q == std::string_view("p95") ? "0.95"
                                                      : "1",
                       s.at("latency_seconds").at(q).get<double>());
  gauge(out, "prerender_warm_requests_per_second", "Requests per second of the last warm.");
  out += fmt::format("prerender_warm_requests_per_second {}\n", s.at("requests_per_second").get<double>());
  gauge(out, "prerender_warm_duration_seconds", "Wall time of the last warm.");
  out += fmt::format("prerender_warm_duration_seconds {}\n", s.at("wall_seconds").get<double>());
  gauge(out, "prerender_warm_timestamp_seconds", "When the last warm ended, in Unix time.");
  out += fmt::format("prerender_warm_timestamp_seconds {:.3f}\n", now);
  gauge(out, "prerender_warm_success", "1 when every URL of the last warm was fetched.");
  out += fmt::format("prerender_warm_success {}\n", success ? 1 : 0);
  const std::optional<double> last = success ? std::optional<double>(now) : last_success;
  if (last) {
    gauge(out, k_last_success, "When a warm last succeeded, in Unix time.");
    out += fmt::format("{} {:.3f}\n", k_last_success, *last);
  }
  return out;
}

void write_warm_metrics_file(const std::filesystem::path& path, const nlohmann::json& summary, bool success) {
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  output::write_atomically(path, warm_prometheus_text(summary, success, now, previous_gauge(path, k_last_success)));
}

}  // namespace prerender::report
