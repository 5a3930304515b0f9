#include "report/progress.hpp"

#include <cmath>

#include <fmt/format.h>
#include <unistd.h>

namespace prerender::report {

Progress::Progress(ProgressMode mode, EventLog& log, std::FILE* terminal, std::chrono::seconds interval)
    : m_log(log), m_terminal(terminal), m_interval(interval) {
  const bool tty = ::isatty(::fileno(terminal)) == 1;
  // The in-place line shares the terminal with text logs only; JSON logs on the same stream stay pure.
  const bool shares_json = log.format() == LogFormat::json && log.stream() == terminal;
  switch (mode) {
    case ProgressMode::never: break;
    case ProgressMode::always:
      m_in_place = tty && !shares_json;
      m_plain = !m_in_place;
      break;
    case ProgressMode::auto_detect:
      m_in_place = tty && !shares_json;
      m_plain = !tty;
      break;
  }
  if (log.verbosity() == Verbosity::quiet) m_in_place = m_plain = false;
}

void Progress::start(std::size_t total) {
  m_total = total;
  m_start = m_last = std::chrono::steady_clock::now();
}

std::string Progress::line(std::size_t done, std::size_t failed) const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
  const double rate = elapsed > 0 ? done / elapsed : 0;
  const double eta = rate > 0 ? (m_total - done) / rate : 0;
  return fmt::format("{}/{} renditions  {:.1f}/s  ETA {:.0f} s  {} failed", done, m_total, rate, eta, failed);
}

void Progress::update(std::size_t done, std::size_t failed) {
  const auto now = std::chrono::steady_clock::now();
  if (m_in_place) {
    if (now - m_last < std::chrono::milliseconds(100) && done != m_total) return;
    m_last = now;
    fmt::print(m_terminal, "\r\033[K{}", line(done, failed));
    std::fflush(m_terminal);
    m_drawn = true;
  } else if (m_plain) {
    if (now - m_last < m_interval) return;
    m_last = now;
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    const double rate = elapsed > 0 ? done / elapsed : 0;
    m_log.progress({{"done", done},
                    {"total", m_total},
                    {"failed", failed},
                    {"rate", std::round(rate * 100) / 100},
                    {"eta_seconds", rate > 0 ? std::round((m_total - done) / rate) : 0.0}},
                   "progress: " + line(done, failed));
  }
}

void Progress::clear_line() {
  if (m_in_place && m_drawn) {
    fmt::print(m_terminal, "\r\033[K");
    std::fflush(m_terminal);
    m_drawn = false;
  }
}

void Progress::finish() { clear_line(); }

}  // namespace prerender::report
