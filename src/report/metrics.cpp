#include "report/metrics.hpp"

#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <sstream>

#include "output/atomic_write.hpp"
#include "util/files.hpp"

namespace prerender::report {
namespace {

void gauge(std::string& out, std::string_view name, std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
}

}  // namespace

std::optional<double> previous_gauge(const std::filesystem::path& path, std::string_view name) {
  std::optional<std::string> text;
  try {
    text = util::read_regular_file(path);  // a link is not followed: it is refused when written below
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (!text) return std::nullopt;
  std::istringstream in(*text);
  std::string line;
  const std::string prefix = std::string(name) + " ";
  while (std::getline(in, line))
    if (line.rfind(prefix, 0) == 0) {
      try {
        return std::stod(line.substr(prefix.size()));
      } catch (const std::exception&) {
        return std::nullopt;
      }
    }
  return std::nullopt;
}

namespace {

std::optional<double> previous_last_success(const std::filesystem::path& path) {
  return previous_gauge(path, "prerender_last_success_timestamp_seconds");
}

}  // namespace

std::string prometheus_text(const RunStats& stats, bool success, double now_seconds,
                            std::optional<double> last_success) {
  const RunSummary& s = stats.summary;
  std::string out;
  gauge(out, "prerender_renditions", "Renditions of the last run, by status.");
  const std::pair<const char*, std::size_t> statuses[] = {{"rendered", s.rendered},
                                                          {"up_to_date", s.up_to_date},
                                                          {"failed", s.failed},
                                                          {"not_started", s.renditions_not_started}};
  for (const auto& [status, count] : statuses)
    out += fmt::format("prerender_renditions{{status=\"{}\"}} {}\n", status, count);
  gauge(out, "prerender_changed_renditions", "Renditions whose bytes changed in the last run.");
  out += fmt::format("prerender_changed_renditions {}\n", s.changed);
  gauge(out, "prerender_stage_seconds", "Seconds spent per stage in the last run (read and decode once per asset).");
  const std::pair<const char*, const StageStats*> stages[] = {{"decode", &stats.stages.decode},
                                                              {"encode", &stats.stages.encode},
                                                              {"read", &stats.stages.read},
                                                              {"transform", &stats.stages.transform},
                                                              {"write", &stats.stages.write}};
  for (const auto& [stage, st] : stages)
    out += fmt::format("prerender_stage_seconds{{stage=\"{}\"}} {}\n", stage, st->total);
  gauge(out, "prerender_written_bytes", "Bytes written by the last run, by format.");
  for (const auto& [format, bytes] : stats.bytes_written_by_format)
    out += fmt::format("prerender_written_bytes{{format=\"{}\"}} {}\n", format, bytes);
  gauge(out, "prerender_run_duration_seconds", "Wall time of the last run.");
  out += fmt::format("prerender_run_duration_seconds {}\n", std::round(s.wall_seconds * 1000) / 1000);
  gauge(out, "prerender_peak_rss_bytes", "Peak resident memory of the last run.");
  out += fmt::format("prerender_peak_rss_bytes {}\n", s.peak_rss_bytes);
  gauge(out, "prerender_run_timestamp_seconds", "When the last run ended, in Unix time.");
  out += fmt::format("prerender_run_timestamp_seconds {:.3f}\n", now_seconds);
  gauge(out, "prerender_run_success", "1 when the last run left every requested rendition present and up to date.");
  out += fmt::format("prerender_run_success {}\n", success ? 1 : 0);
  const std::optional<double> last = success ? std::optional<double>(now_seconds) : last_success;
  if (last) {
    gauge(out, "prerender_last_success_timestamp_seconds", "When a run last succeeded, in Unix time.");
    out += fmt::format("prerender_last_success_timestamp_seconds {:.3f}\n", *last);
  }
  return out;
}

void write_metrics_file(const std::filesystem::path& path, const RunStats& stats, bool success) {
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  output::write_atomically(path, prometheus_text(stats, success, now, previous_last_success(path)));
}

}  // namespace prerender::report
