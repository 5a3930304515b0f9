#pragma once

#include <atomic>
#include <csignal>

namespace prerender::cli {

// While it lives, the first SIGINT/SIGTERM is stored in `signal()` (the run stops admitting work) and
// a second one exits the process at once (every output is renamed into place whole, so no partial file
// is left at an output path, only temporaries the next run removes).
class SignalScope {
 public:
  SignalScope();
  ~SignalScope();
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

  const std::atomic<int>* signal() const;

 private:
  struct sigaction m_old_int {
  }, m_old_term{};
};

}  // namespace prerender::cli
