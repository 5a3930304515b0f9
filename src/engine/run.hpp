#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/graph_stats.hpp"
#include "engine/plan.hpp"
#include "manifest/manifest.hpp"
#include "output/journal.hpp"
#include "output/object_sink.hpp"
#include "report/run_report.hpp"
#include <functional>
#include <map>

namespace prerender::engine {

struct RunOptions {
  int jobs = 1;
  std::uint64_t memory_budget = 1ull << 30;
  bool force = false;                        // re-render what is up to date
  std::optional<double> deadline_seconds;    // stop admitting new assets after this long
  const std::atomic<int>* signal = nullptr;  // set to the signal number by a handler: stop admitting
  std::optional<Shard> shard;                // names the journal and lists of this shard
  // The object store the renditions go to (output.root: s3://...); output.root is then the local state
  // folder: the journal and lists are fetched from the store's .prerender/ when missing there, and
  // uploaded to it at the end. Null: the renditions are files under output.root.
  output::ObjectSink* store = nullptr;
  // Another run holds the output root's lock: unset, fail at once (util::RetryableError); otherwise wait up
  // to this many seconds (infinity: as long as it takes).
  std::optional<double> lock_wait_seconds;
  // Called from the one recording thread: before the first rendition, and after each is recorded.
  std::function<void(std::size_t total)> on_start;
  std::function<void(const output::RenditionRecord&, std::size_t done, std::size_t failed)> on_rendition;
};

struct RunResult {
  std::size_t rendered = 0, up_to_date = 0, failed = 0, changed = 0;
  std::size_t assets_done = 0, assets_not_started = 0;
  std::size_t renditions_not_started = 0;
  std::size_t unrecorded = 0;         // renditions whose journal line could not be written (counted failed)
  std::size_t unstored = 0;           // renditions the object store refused (counted failed, not journaled)
  std::vector<std::string> problems;  // what the output storage refused: journal, lists, run.json, objects
  bool deadline_reached = false;
  int signal = 0;
  double wall_seconds = 0;
  std::uint64_t peak_rss_bytes = 0;
  GraphStats graph;
  std::filesystem::path journal;
  std::string summary;                    // the end-of-run summary for people
  std::optional<report::RunStats> stats;  // run.json's content; unset when interrupted waiting for the lock
};

// The file names of a run's outputs under output.root; a shard's carry "-K-of-N".
struct RunFiles {
  std::filesystem::path journal, urls, changed, summary;
  static RunFiles of(const std::filesystem::path& root, std::optional<Shard> shard);
};

// Renders the plan: every asset through the graph, up-to-date renditions skipped (source hash, recipe hash,
// renderer version and the file at its recorded size), every finished rendition appended to the journal as
// it finishes, then the journal compacted and urls.txt, changed.txt and run.json written. Failures are
// recorded and counted, never thrown; so is a journal line that cannot be written (the rendition counts as
// failed, `unrecorded`), and a journal, list or run.json the storage refuses is in `problems`. Throws
// util::FatalError when the output root or journal cannot be opened (a link, not a folder), and
// util::RetryableError when another run holds the output root's lock.
RunResult run_plan(const manifest::Manifest& manifest, const Plan& plan, const RunOptions& options);

// Renders every planned rendition (none skipped) into `root` in place of the manifest's output root, for
// check and preview; the records are kept by output path. Throws as run_plan does.
struct ScratchRun {
  RunResult result;
  std::map<std::string, output::RenditionRecord> records;
};
ScratchRun render_into(const PlannedManifest& planned, const std::filesystem::path& root, const RunOptions& options);

}  // namespace prerender::engine
