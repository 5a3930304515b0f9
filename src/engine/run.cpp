#include "engine/run.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <set>

#include "engine/admission.hpp"
#include "engine/asset_work.hpp"
#include "engine/graph.hpp"
#include "engine/incremental.hpp"
#include "engine/merge.hpp"
#include "engine/recorder.hpp"
#include "engine/store_state.hpp"
#include "output/lock.hpp"
#include "output/root.hpp"
#include "render/runtime.hpp"
#include "report/run_report.hpp"
#include "util/error.hpp"
#include "util/source_file.hpp"
#include "util/system.hpp"
#include "util/time.hpp"

namespace prerender::engine {
namespace fs = std::filesystem;

RunFiles RunFiles::of(const fs::path& root, std::optional<Shard> shard) {
  const std::string suffix = shard ? fmt::format("-{}-of-{}", shard->index, shard->count) : "";
  return {root / ("renditions" + suffix + ".jsonl"), root / ("urls" + suffix + ".txt"),
          root / ("changed" + suffix + ".txt"), root / ("run" + suffix + ".json")};
}

namespace {

// The wiring of a run: the output root, its lock and journal; admission, the work on each asset and the
// recorder joined by the task graph; then the journal compacted and the lists and run.json written.
class Runner {
 public:
  Runner(const manifest::Manifest& manifest, const Plan& plan, const RunOptions& options)
      : m_manifest(manifest),
        m_plan(plan),
        m_options(options),
        m_files(RunFiles::of(manifest.output.root, options.shard)),
        m_prepared(plan.assets.size()) {}

  RunResult run() {
    const auto start = std::chrono::steady_clock::now();
    if (!open_root()) return m_result;
    const IncrementalState state(m_manifest, m_journal->at_open(), m_merged ? m_merged->index.get() : nullptr);
    // The journals' entries stay in memory for the whole run: they count in the memory budget.
    const std::uint64_t entries = m_journal->index_bytes() + (m_merged ? m_merged->index->bytes() : 0);
    const std::uint64_t budget =
        m_options.memory_budget - std::min<std::uint64_t>(entries, m_options.memory_budget / 2);
    remove_stale_temporaries();
    const Admission admission(m_manifest, state, budget, m_options.memory_budget, m_options.force, m_options.signal);
    const AssetWork asset_work(m_manifest, state, *m_root, m_options.force, m_options.store);
    Recorder recorder(*m_journal, m_options, m_result);

    if (m_options.on_start) m_options.on_start(m_plan.rendition_count());
    GraphWork<Outcome> work;
    std::size_t next_index = 0;
    work.next = [&]() -> std::optional<Job> {
      // A store that refused a request for good (credentials) refuses the next assets' renditions too.
      if (stopping() || next_index >= m_plan.assets.size() || (m_options.store && m_options.store->refused()))
        return std::nullopt;
      if (m_options.deadline_seconds && util::seconds_since(start) > *m_options.deadline_seconds) {
        m_result.deadline_reached = true;
        return std::nullopt;
      }
      const std::size_t index = next_index;
      try {
        m_prepared[index] = admission.prepare(m_plan.assets[index]);
      } catch (const util::Interrupted&) {
        return std::nullopt;  // a signal while its source was hashed: the asset is not started
      }
      ++next_index;
      return Job{index, m_prepared[index].estimate};
    };
    work.stopping = [&] { return stopping(); };
    work.render = [&](const Job& job) {
      // Entry `job.index` is this worker's own from here on.
      Outcome outcome = asset_work.render(m_plan.assets[job.index], m_prepared[job.index]);
      // The asset's decoded image and buffers are gone: give their pages back before the next admission.
      if (job.estimate > 0) util::release_free_memory();
      return outcome;
    };
    work.failed = [&](const Job& job, const std::string& what) {
      return asset_work.fail_all(m_plan.assets[job.index], m_prepared[job.index], "unexpected error: " + what);
    };
    work.record = [&](Outcome&& outcome) {
      recorder.record(std::move(outcome));
      if (m_options.store) checkpoint_journal();
    };
    work.on_worker_exit = [] { render::release_thread(); };
    m_result.graph = run_graph(GraphLimits{m_options.jobs, budget}, work);

    finish(recorder, start);
    return m_result;
  }

 private:
  // After the graph: the journal compacted, urls.txt, changed.txt and run.json written, the summary made.
  void finish(const Recorder& recorder, std::chrono::steady_clock::time_point start) {
    count_not_started();
    if (const std::string problem = recorder.unrecorded_problem(m_files.journal.string()); !problem.empty())
      m_result.problems.push_back(problem);
    if (const std::string problem = recorder.unstored_problem(); !problem.empty()) m_result.problems.push_back(problem);
    try {
      m_journal->compact();
    } catch (const std::exception& e) {
      m_result.problems.push_back(
          fmt::format("the journal could not be compacted and is kept as it was: {}", e.what()));
    }
    // Every URL of the manifest present, not only this run's selection's (--only, --top, --shard).
    write_file(m_files.urls, url_list(*m_journal, whole_plan()).text);
    write_file(m_files.changed, recorder.changed_list());
    m_result.wall_seconds = util::seconds_since(start);
    m_result.peak_rss_bytes = util::peak_rss_bytes();
    m_result.journal = m_files.journal;
    m_result.stats = report::run_stats(summary_view(recorder.records()));
    write_file(m_files.summary, report::to_json(*m_result.stats).dump(2) + "\n");
    if (m_options.store) upload_state();
    // A run.json the storage refused is in the problems the log's run_end event reports.
    m_result.stats->summary.problems = m_result.problems;
    m_result.summary = report::summary_text(*m_result.stats);
  }

  bool stopping() const { return m_options.signal && m_options.signal->load() != 0; }

  // The root is opened once and held: below it nothing is followed (output/root.hpp). One run per journal
  // at a time: the lock is held until the lists and run.json are written. False: interrupted while
  // waiting for the lock, nothing was done.
  bool open_root() {
    try {
      m_root.emplace(m_manifest.output.root);
      m_lock = output::RootLock::take(*m_root, output::lock_name(m_files.journal.filename().string()),
                                      m_options.lock_wait_seconds, [&] { return stopping(); });
      if (!m_lock) {
        m_result.signal = m_options.signal->load();
        return false;
      }
      // A machine with an empty disk starts from the journal the last run of this shard left in the store.
      if (m_options.store) fetch_state_file(*m_options.store, *m_root, m_files.journal.filename().string());
      m_journal.emplace(*m_root, m_files.journal.filename().string());
      // A shard also knows what the merged journal of earlier runs records: its assets may have been
      // another shard's last time (shards are dealt by cost).
      if (m_options.shard)
        m_merged.emplace(output::JournalSnapshot::open(RunFiles::of(m_manifest.output.root, std::nullopt).journal));
    } catch (const util::RetryableError&) {
      throw;
    } catch (const std::exception& e) {
      throw util::FatalError(e.what());
    }
    return true;
  }

  void count_not_started() {
    m_result.assets_done = m_result.graph.admitted;
    m_result.assets_not_started = m_plan.assets.size() - m_result.graph.admitted;
    for (std::size_t i = m_result.graph.admitted; i < m_plan.assets.size(); ++i)
      m_result.renditions_not_started += m_plan.assets[i].renditions.size();
    if (m_options.signal) m_result.signal = m_options.signal->load();
  }

  report::RunSummary summary_view(const std::vector<output::RenditionRecord>& records) const {
    report::RunSummary s;
    s.rendered = m_result.rendered;
    s.up_to_date = m_result.up_to_date;
    s.failed = m_result.failed;
    s.changed = m_result.changed;
    s.assets = m_plan.assets.size();
    s.assets_not_started = m_result.assets_not_started;
    s.renditions_not_started = m_result.renditions_not_started;
    s.deadline_reached = m_result.deadline_reached;
    s.signal = m_result.signal;
    s.wall_seconds = m_result.wall_seconds;
    s.peak_rss_bytes = m_result.peak_rss_bytes;
    s.jobs = m_options.jobs;
    s.memory_budget = m_options.memory_budget;
    s.peak_admitted_bytes = m_result.graph.peak_admitted_bytes;
    s.manifest = m_manifest.file.string();
    s.records = &records;
    s.problems = m_result.problems;
    if (m_options.store) {
      s.store = m_options.store->describe("");
      s.store_counts = m_options.store->counts();
    }
    return s;
  }

  // Temporary files of a killed run, in the folders this run writes to.
  void remove_stale_temporaries() {
    std::set<fs::path> folders{fs::path()};
    for (const PlannedAsset& asset : m_plan.assets)
      for (const PlannedRendition& r : asset.renditions) folders.insert(fs::path(r.path).parent_path());
    for (const fs::path& folder : folders) m_root->remove_stale_temporaries(folder);
  }

  // A list or run.json the storage refuses is a problem of the run, not a reason to stop writing the others.
  void write_file(const fs::path& file, const std::string& text) {
    try {
      m_root->write(file.filename(), text);
    } catch (const std::exception& e) {
      m_result.problems.push_back(fmt::format("{} could not be written: {}", file.filename().string(), e.what()));
    }
  }

  // The journal, lists and run.json to the store's .prerender/, once the journal is compacted: what the
  // store holds is what a retry on another machine starts from.
  void upload_state() {
    for (const fs::path& file : {m_files.journal, m_files.urls, m_files.changed, m_files.summary}) {
      try {
        upload_state_file(*m_options.store, *m_root, file.filename().string());
      } catch (const std::exception& e) {
        m_result.problems.push_back(e.what());
      }
    }
  }

  // While a run into a store goes on, its journal is uploaded now and then, so that a machine lost without
  // a word (SIGKILL, a node gone) costs at most that long of work: every 60 s, or less often when an upload
  // takes long (at most 5% of the recording thread's time). A refusal waits for the end-of-run upload.
  void checkpoint_journal() {
    const auto now = std::chrono::steady_clock::now();
    if (now < m_next_checkpoint) return;
    try {
      upload_state_file(*m_options.store, *m_root, m_files.journal.filename().string());
    } catch (const std::exception&) {
    }
    const auto took = std::chrono::steady_clock::now() - now;
    m_next_checkpoint = now + std::max<std::chrono::steady_clock::duration>(std::chrono::seconds(60), took * 20);
  }

  // The plan of the whole manifest: this run's when it selected every asset.
  const Plan& whole_plan() {
    if (m_plan.assets.size() == m_manifest.assets.size()) return m_plan;
    manifest::Diagnostics unused;  // the manifest was planned once already, without problems
    m_whole_plan.emplace(build_plan(m_manifest, Selection{}, unused, false));
    return *m_whole_plan;
  }

  const manifest::Manifest& m_manifest;
  const Plan& m_plan;
  const RunOptions& m_options;
  RunFiles m_files;
  std::optional<output::OutputRoot> m_root;  // before the lock and journal, which use it
  std::optional<output::RootLock> m_lock;
  std::optional<output::Journal> m_journal;
  std::optional<output::JournalSnapshot> m_merged;  // a shard's run: renditions.jsonl, read-only
  std::vector<Prepared> m_prepared;  // entry i: written by the admitting thread, then only by asset i's worker
  std::optional<Plan> m_whole_plan;  // built by whole_plan() when this run selected fewer assets
  std::chrono::steady_clock::time_point m_next_checkpoint = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  RunResult m_result;
};

}  // namespace

RunResult run_plan(const manifest::Manifest& manifest, const Plan& plan, const RunOptions& options) {
  Runner runner(manifest, plan, options);
  return runner.run();
}

ScratchRun render_into(const PlannedManifest& planned, const std::filesystem::path& root, const RunOptions& options) {
  ScratchRun out;
  manifest::Manifest manifest = planned.manifest;
  manifest.output.root = root;
  RunOptions run = options;
  run.force = true;
  run.deadline_seconds.reset();
  run.shard.reset();
  run.store = nullptr;
  run.on_rendition = [&](const output::RenditionRecord& record, std::size_t done, std::size_t failed) {
    out.records[record.path] = record;
    if (options.on_rendition) options.on_rendition(record, done, failed);
  };
  out.result = run_plan(manifest, planned.plan, run);
  return out;
}

}  // namespace prerender::engine
