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
  std::size_t removed = 0;            // renditions in the journals but no longer in the manifest
  std::vector<std::string> journals;  // the shard journals read
};

// Combines the shard journals under output.root (renditions-K-of-N.jsonl) into renditions.jsonl, urls.txt
// and changed.txt, as one unsharded run would have written them (records in priority order). Where shard
// journals disagree on a rendition, the one that finished last wins. Holds the lock of renditions.jsonl
// (.prerender.lock) meanwhile: `lock_wait_seconds` as in RunOptions. Throws std::runtime_error when there is
// no shard journal or a file cannot be written (a link, storage refusing it), util::RetryableError when
// another run holds the lock.
MergeResult merge_shards(const manifest::Manifest& manifest, const Plan& plan, std::optional<double> lock_wait_seconds);

// urls.txt: the URL of every rendition of the manifest (whatever a run's selection) whose latest record
// did not fail, most popular first. `whole` is the plan of the whole manifest. Records of renditions no
// longer in the manifest are left out and counted in `removed`.
struct UrlList {
  std::string text;
  std::size_t removed = 0;
};
UrlList url_list(const std::vector<output::RenditionRecord>& latest, const Plan& whole);
// The same from a journal's latest entries; only the listed renditions' records are read from the file.
UrlList url_list(const output::Journal& journal, const Plan& whole);

// The latest records of the output root's journal, in the plan's priority order (records of renditions
// no longer in the manifest last).
std::vector<output::RenditionRecord> records_in_priority_order(const std::vector<output::RenditionRecord>& records,
                                                               const Plan& plan);

}  // namespace prerender::engine
