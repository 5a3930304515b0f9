#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/plan.hpp"
#include "manifest/manifest.hpp"
#include "output/journal.hpp"

namespace prerender::engine {

struct MergeResult {
  std::size_t shards = 0, records = 0, changed = 0;
  std::vector<std::string> journals;  // the shard journals read
};

// Combines the shard journals under output.root (renditions-K-of-N.jsonl) into renditions.jsonl, urls.txt
// and changed.txt, as one unsharded run would have written them (records in priority order). Where shard
// journals disagree on a rendition, the one that finished last wins. Holds the lock of renditions.jsonl
// (.prerender.lock) meanwhile: `lock_wait_seconds` as in RunOptions. Throws std::runtime_error when there is
// no shard journal or a file cannot be written (a link, storage refusing it), util::RetryableError when
// another run holds the lock.
MergeResult merge_shards(const manifest::Manifest& manifest, const Plan& plan, std::optional<double> lock_wait_seconds);

// The latest records of the output root's journal, in the plan's priority order (records of renditions
// no longer in the manifest last).
std::vector<output::RenditionRecord> records_in_priority_order(const std::vector<output::RenditionRecord>& records,
                                                               const Plan& plan);

}  // namespace prerender::engine
