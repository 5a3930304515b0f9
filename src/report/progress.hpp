#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "report/event_log.hpp"

namespace prerender::report {

enum class ProgressMode { auto_detect, always, never };

// Progress of a run. On a terminal: one line updated in place (done/total, rate, ETA, failures), at
// most ten times a second. Without one (cron, CI): a plain progress event in the log every
// `interval`, with no control characters.
class Progress {
 public:
  Progress(ProgressMode mode, EventLog& log, std::FILE* terminal,
           std::chrono::seconds interval = std::chrono::seconds(10));

  void start(std::size_t total);
  void update(std::size_t done, std::size_t failed);
  // Clears the in-place line (so that the summary starts on a clean line).
  void finish();
  // Before other output on the terminal: clears the in-place line; it is redrawn on the next update.
  void clear_line();

  bool in_place() const { return m_in_place; }

 private:
  std::string line(std::size_t done, std::size_t failed) const;

  EventLog& m_log;
  std::FILE* m_terminal;
  bool m_in_place = false;
  bool m_plain = false;
  bool m_drawn = false;
  std::chrono::seconds m_interval;
  std::size_t m_total = 0;
  std::chrono::steady_clock::time_point m_start, m_last;
};

}  // namespace prerender::report
