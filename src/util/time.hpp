#pragma once

#include <chrono>
#include <string>

namespace prerender::util {

// Seconds of the steady clock since `start`.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Now, UTC, ISO 8601 to the second: "2026-12-02T01:02:03Z".
std::string utc_now();

}  // namespace prerender::util
