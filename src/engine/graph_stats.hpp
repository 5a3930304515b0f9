#pragma once

#include <cstddef>
#include <cstdint>

namespace prerender::engine {

// What the task graph did, for run.json: kept apart from engine/graph.hpp so that callers of a run need not
// compile oneTBB's flow graph.
struct GraphStats {
  std::size_t admitted = 0;
  int peak_in_flight = 0;
  std::uint64_t peak_admitted_bytes = 0;
};

}  // namespace prerender::engine
