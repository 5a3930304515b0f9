#include "cli/signals.hpp"

#include <unistd.h>

namespace prerender::cli {
namespace {

// The one process-wide state a signal handler can reach.
std::atomic<int> g_signal{0};

extern "C" void on_signal(int number) {
  int expected = 0;
  if (!g_signal.compare_exchange_strong(expected, number)) ::_exit(128 + number);
  static const char k_message[] = "\nprerender: stopping: finishing renditions in flight (signal again to exit now)\n";
  [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, k_message, sizeof(k_message) - 1);
}

}  // namespace

SignalScope::SignalScope() {
  g_signal.store(0);
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &m_old_int);
  sigaction(SIGTERM, &action, &m_old_term);
}

SignalScope::~SignalScope() {
  sigaction(SIGINT, &m_old_int, nullptr);
  sigaction(SIGTERM, &m_old_term, nullptr);
}

const std::atomic<int>* SignalScope::signal() const { return &g_signal; }

}  // namespace prerender::cli
