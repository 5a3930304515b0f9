#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/incremental.hpp"
#include "engine/plan.hpp"
#include "manifest/manifest.hpp"
#include "output/journal.hpp"
#include "output/journal_index.hpp"
#include "render/asset.hpp"

namespace prerender::engine {

// What admission decided about one asset before it entered the graph: which renditions are up to date
// (their records, ready to journal) and which must be rendered, the probed header, and the memory the
// work is estimated to need. `state.error` set: the asset fails without decoding.
struct Prepared {
  AssetState state;
  std::optional<render::SourceInfo> info;
  std::vector<std::size_t> todo;                    // indexes into the planned asset's renditions
  std::vector<output::RenditionRecord> up_to_date;  // the others
  std::uint64_t estimate = 0;                       // 0 when nothing is decoded
  double read_seconds = 0;
};

// The render requests of the renditions `prepared` says to do, in `todo` order.
std::vector<render::RenditionRequest> requests_of(const PlannedAsset& asset, const Prepared& prepared);

// Decides, on the admitting thread and in priority order, what of an asset is done and what it costs:
// hashing the source only when its size or mtime changed, probing the header of what must be rendered,
// and refusing an asset whose estimate the memory budget (or the machine) cannot hold.
class Admission {
 public:
  // `memory_budget` is what assets are admitted within: --memory (`asked_budget`) less what the journal's
  // entries take. `stop`: a signal number set by a handler, or nullptr.
  // Up-to-date records are read back through `state` (IncrementalState::record).
  Admission(const manifest::Manifest& manifest, const IncrementalState& state, std::uint64_t memory_budget,
            std::uint64_t asked_budget, bool force, const std::atomic<int>* stop);

  // Throws util::Interrupted when a signal arrives while the source is hashed: the asset is not started.
  Prepared prepare(const PlannedAsset& asset) const;

 private:
  std::string over_memory(std::uint64_t estimate) const;

  const manifest::Manifest& m_manifest;
  const IncrementalState& m_state;
  std::uint64_t m_memory_budget, m_asked_budget;
  bool m_force;
  const std::atomic<int>* m_stop;
  std::optional<std::uint64_t> m_available_memory;  // the cgroup limit or available RAM, when known
};

}  // namespace prerender::engine
