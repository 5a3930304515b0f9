#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "output/journal.hpp"

namespace prerender::report {

enum class LogFormat { text, json };
enum class Verbosity { quiet, normal, verbose };

// The run's event stream, for people (text) or for ELK/Loki (one JSON object per line with stable
// field names; README "JSON log" documents them). Every event carries "time" (UTC) and "event".
//   run_start: manifest, renderer_version, libvips_version, jobs, memory_budget_bytes, renditions
//   rendition: asset, preset, format, dpr, status, path, url, bytes, width, height, quality, seconds{...},
//              total_seconds, error (failed only)
//   progress:  done, total, failed, rate, eta_seconds
//   run_end:   the run.json summary
// Text: failures always (not with quiet), every rendition with verbose.
class EventLog {
 public:
  EventLog(std::FILE* out, LogFormat format, Verbosity verbosity)
      : m_out(out), m_format(format), m_verbosity(verbosity) {}

  void run_start(const nlohmann::json& fields);
  void rendition(const output::RenditionRecord& record);
  void progress(const nlohmann::json& fields, const std::string& text);
  void run_end(const nlohmann::json& summary, const std::string& text);
  void message(std::string_view text);  // text: as is; json: {"event":"message","message":...}
  // Another command's event (warm: warm_start, url, warm_end): json: `fields` with "event"; text: `text`
  // when it is not empty and the event is important (a failure, a summary) or the log verbose. Quiet keeps
  // the important ones only.
  void event(std::string_view name, nlohmann::json fields, std::string_view text, bool important);

  LogFormat format() const { return m_format; }
  std::FILE* stream() const { return m_out; }
  Verbosity verbosity() const { return m_verbosity; }

 private:
  void emit(nlohmann::json event);

  std::FILE* m_out;
  LogFormat m_format;
  Verbosity m_verbosity;
};

// What the terminal still gets when the log goes to a file, so that cron (which mails what a job prints)
// hears of failures: each failed rendition as the text log's line, the first `max_lines` of them, then
// "... and N more failures" and the summary's first line at the end of a run that did not fully
// succeed. Nothing on success. Quiet keeps the failure lines only.
class FailureEcho {
 public:
  static constexpr std::size_t k_default_max_lines = 20;

  FailureEcho(std::FILE* out, Verbosity verbosity, std::string log_file, std::size_t max_lines = k_default_max_lines)
      : m_out(out), m_verbosity(verbosity), m_log_file(std::move(log_file)), m_max_lines(max_lines) {}

  void rendition(const output::RenditionRecord& record);
  void run_end(const std::string& summary_text, bool success);

 private:
  std::FILE* m_out;
  Verbosity m_verbosity;
  std::string m_log_file;
  std::size_t m_max_lines;
  std::size_t m_failures = 0;
};

// The text log's line for a failed rendition: "prerender: failed: ASSET PRESET FORMAT DPRx: REASON".
std::string failure_line(const output::RenditionRecord& record);

// A rendition's own wall time (read and decode belong to the asset and are logged beside it).
double rendition_seconds(const output::RenditionRecord& record);

}  // namespace prerender::report
