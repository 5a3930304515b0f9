#pragma once

#include <string>
#include <vector>

#include "output/object_sink.hpp"
#include "output/root.hpp"

namespace prerender::engine {

// A run into an object store keeps its journal, urls.txt, changed.txt and run.json in a local state folder
// (output.root) while it runs, and in the store under <prefix>/.prerender/ (output::k_state_prefix)
// between runs, so a machine with an empty disk carries on where the last run of its shard stopped.
// Each call throws util::RetryableError when the store refuses it.

// Fetches .prerender/<name> into `state` when `state` has no file `name`; true when it fetched one.
bool fetch_state_file(output::ObjectSink& store, const output::OutputRoot& state, const std::string& name);

// Uploads the file `name` of `state` (streamed) to .prerender/<name>; nothing when there is no such file.
void upload_state_file(output::ObjectSink& store, const output::OutputRoot& state, const std::string& name);

// Fetches the shard journals (.prerender/renditions-K-of-N.jsonl) into `state` and returns their names:
// with `count`, those of K = 0..count-1 by name (one missing throws std::runtime_error naming it);
// otherwise every one a LIST of the store finds.
std::vector<std::string> fetch_shard_journals(output::ObjectSink& store, const output::OutputRoot& state,
                                              int count = 0);

}  // namespace prerender::engine
