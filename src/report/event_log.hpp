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
  EventLog(std::FILE* out, LogFormat format, Verbosity verbosity) : m_out(out), m_format(format), m_verbosity(verbosity) {}

  void run_start(const nlohmann::json& fields);
  void rendition(const output::RenditionRecord& record);
  void progress(const nlohmann::json& fields, const std::string& text);
  void run_end(const nlohmann::json& summary, const std::string& text);
  void message(std::string_view text);  // text: as is; json: {"event":"message","message":...}

  LogFormat format() const { return m_format; }
  std::FILE* stream() const { return m_out; }
  Verbosity verbosity() const { return m_verbosity; }

 private:
  void emit(nlohmann::json event);

  std::FILE* m_out;
  LogFormat m_format;
  Verbosity m_verbosity;
};

// A rendition's own wall time (read and decode belong to the asset and are logged beside it).
double rendition_seconds(const output::RenditionRecord& record);

}  // namespace prerender::report
