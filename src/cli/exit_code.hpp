#pragma once

namespace prerender::cli {

// The process's exit codes; README "Exit codes" and every command's --help document them.
enum class ExitCode : int {
  ok = 0,             // all requested renditions are present and up to date
  failures = 1,       // some renditions failed; the others were still written
  usage = 2,          // usage or manifest error; nothing rendered
  differences = 3,    // check found differences
  retry = 75,         // EX_TEMPFAIL: a retryable infrastructure failure (output root locked by another run,
                      // storage full or refusing writes, journal lines lost); a scheduler may retry
  interrupted = 130,  // SIGINT; what finished is recorded and kept
  terminated = 143,   // SIGTERM
};

inline int to_int(ExitCode code) { return static_cast<int>(code); }

}  // namespace prerender::cli
