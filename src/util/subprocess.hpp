#pragma once

#include <string>
#include <vector>

namespace prerender::util {

// What a captured child process left.
struct Captured {
  std::string out;         // everything it wrote to stdout
  std::string last_words;  // the last 4 to 8 KiB it wrote to stderr
  int status = 0;          // as waitpid gives it (WIFSIGNALED, WEXITSTATUS)
  bool timed_out = false;  // killed (SIGKILL) after `max_seconds`
};

// Runs `argv` (argv[0] a path; the environment inherited) with stdout and stderr captured through
// close-on-exec pipes, killed after `max_seconds`, and waits for it. Throws std::runtime_error with the
// system's reason when it cannot be started.
Captured run_captured(const std::vector<std::string>& argv, double max_seconds);

}  // namespace prerender::util
