#include "report/event_log.hpp"

#include <fmt/format.h>

#include "util/time.hpp"

namespace prerender::report {

double rendition_seconds(const output::RenditionRecord& r) { return r.seconds.total; }

std::string failure_line(const output::RenditionRecord& r) {
  return fmt::format("prerender: failed: {} {} {} {}x: {}", r.asset, r.preset, r.format, r.dpr, r.error);
}

void EventLog::emit(nlohmann::json event) {
  event["time"] = util::utc_now();
  const std::string line = event.dump() + "\n";
  std::fwrite(line.data(), 1, line.size(), m_out);
  std::fflush(m_out);
}

void EventLog::event(std::string_view name, nlohmann::json fields, std::string_view text, bool important) {
  if (m_verbosity == Verbosity::quiet && !important) return;
  if (m_format == LogFormat::json) {
    fields["event"] = name;
    emit(std::move(fields));
  } else if (!text.empty() && (important || m_verbosity == Verbosity::verbose)) {
    fmt::print(m_out, "{}\n", text);
  }
}

void EventLog::run_start(const nlohmann::json& fields) {
  if (m_format == LogFormat::json) {
    nlohmann::json event = fields;
    event["event"] = "run_start";
    emit(std::move(event));
  } else if (m_verbosity == Verbosity::verbose) {
    fmt::print(m_out, "prerender {}: {} renditions, {} jobs, memory budget {} bytes\n", fields.value("manifest", ""),
               fields.value("renditions", 0), fields.value("jobs", 0), fields.value("memory_budget_bytes", 0ull));
  }
}

void EventLog::rendition(const output::RenditionRecord& r) {
  const bool failed = r.status == output::Status::failed;
  if (m_format == LogFormat::json) {
    if (m_verbosity == Verbosity::quiet && !failed) return;
    nlohmann::json event{{"event", "rendition"},
                         {"asset", r.asset},
                         {"preset", r.preset},
                         {"format", r.format},
                         {"dpr", r.dpr},
                         {"status", output::name(r.status)},
                         {"path", r.path},
                         {"url", r.url},
                         {"bytes", r.bytes},
                         {"width", r.width},
                         {"height", r.height},
                         {"quality", r.quality},
                         {"seconds", output::to_json(r.seconds)},
                         {"total_seconds", rendition_seconds(r)}};
    if (failed) event["error"] = r.error;
    emit(std::move(event));
    return;
  }
  if (failed) {
    fmt::print(m_out, "{}\n", failure_line(r));
  } else if (m_verbosity == Verbosity::verbose) {
    fmt::print(m_out, "{:<10} {} {} {}x  {}x{}  {} bytes  {:.0f} ms\n", output::name(r.status), r.path, r.format, r.dpr,
               r.width, r.height, r.bytes, rendition_seconds(r) * 1000);
  }
}

void EventLog::progress(const nlohmann::json& fields, const std::string& text) {
  if (m_format == LogFormat::json) {
    nlohmann::json event = fields;
    event["event"] = "progress";
    emit(std::move(event));
  } else if (m_verbosity != Verbosity::quiet) {
    fmt::print(m_out, "{}\n", text);
  }
}

void EventLog::run_end(const nlohmann::json& summary, const std::string& text) {
  if (m_format == LogFormat::json) {
    nlohmann::json event = summary;
    event["event"] = "run_end";
    emit(std::move(event));
  } else if (m_verbosity != Verbosity::quiet) {
    fmt::print(m_out, "{}", text);
  }
}

void EventLog::message(std::string_view text) {
  if (m_format == LogFormat::json)
    emit({{"event", "message"}, {"message", text}});
  else
    fmt::print(m_out, "{}\n", text);
}

void FailureEcho::rendition(const output::RenditionRecord& r) {
  if (r.status != output::Status::failed) return;
  // A run where everything fails (a missing source root, a full disk) must not mail a million lines: the
  // first ones tell the reason, the log file has the rest.
  if (++m_failures <= m_max_lines) {
    fmt::print(m_out, "{}\n", failure_line(r));
    std::fflush(m_out);
  }
}

void FailureEcho::run_end(const std::string& summary_text, bool success) {
  if (m_failures > m_max_lines)
    fmt::print(m_out, "prerender: ... and {} more failures (all in {})\n", m_failures - m_max_lines, m_log_file);
  if (!success && m_verbosity != Verbosity::quiet)
    fmt::print(m_out, "prerender: {}\n", std::string_view(summary_text).substr(0, summary_text.find('\n')));
  std::fflush(m_out);
}

}  // namespace prerender::report
