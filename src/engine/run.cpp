#include "engine/run.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <set>
#include <sys/stat.h>
#include <oneapi/tbb/parallel_for.h>
#include <unordered_map>

#include "engine/incremental.hpp"
#include "engine/merge.hpp"
#include "output/atomic_write.hpp"
#include "output/journal.hpp"
#include "output/lock.hpp"
#include "output/root.hpp"
#include "output/path_template.hpp"
#include "presets/preset_view.hpp"
#include "publish/headers.hpp"
#include "render/asset.hpp"
#include "render/estimate.hpp"
#include "render/master.hpp"
#include "render/runtime.hpp"
#include "render/source.hpp"
#include "report/run_report.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/system.hpp"
#include "util/units.hpp"
#include "util/version.hpp"

namespace prerender::engine {
namespace fs = std::filesystem;
using output::RenditionRecord;
using output::Status;

RunFiles RunFiles::of(const fs::path& root, std::optional<Shard> shard) {
  const std::string suffix = shard ? fmt::format("-{}-of-{}", shard->index, shard->count) : "";
  return {root / ("renditions" + suffix + ".jsonl"), root / ("urls" + suffix + ".txt"),
          root / ("changed" + suffix + ".txt"), root / ("run" + suffix + ".json")};
}

std::string recipe_hash(const presets::Preset& preset, presets::Format format, double dpr,
                        const std::optional<manifest::Focus>& focus, const std::string& overlay_hash) {
  nlohmann::json recipe{{"preset", presets::to_json(preset)},
                        {"format", presets::name(format)},
                        {"dpr", dpr},
                        {"overlay", overlay_hash},
                        {"renderer", util::k_version},
                        {"libvips", render::libvips_version()}};
  // Neither the check tolerance nor the HTTP headers and cache tags change the bytes: a preset whose tags
  // change is re-journalled with them (publish::stamp_http), not re-rendered.
  for (const char* key : {"check", "cache_control", "tags"}) recipe["preset"].erase(key);
  if (focus) recipe["focus"] = {focus->x, focus->y};
  return util::content_hash(recipe.dump());
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string utc_now() { return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr))); }

// What the admitting thread decided about one asset before it entered the graph.
struct Prepared {
  AssetState state;
  std::optional<render::SourceInfo> info;
  std::vector<std::size_t> todo;              // renditions to render
  std::vector<RenditionRecord> up_to_date;    // the others
  double read_seconds = 0;
};

struct Outcome {
  std::vector<RenditionRecord> records;
};

class Runner {
 public:
  Runner(const manifest::Manifest& manifest, const Plan& plan, const RunOptions& options)
      : m_manifest(manifest), m_plan(plan), m_options(options), m_files(RunFiles::of(manifest.output.root, options.shard)),
        m_prepared(plan.assets.size()), m_available_memory(util::available_memory()) {}

  RunResult run() {
    const auto start = std::chrono::steady_clock::now();
    // The root is opened once and held: below it nothing is followed (output/root.hpp). One run per
    // journal at a time: the lock is held until the lists and run.json are written.
    try {
      m_root.emplace(m_manifest.output.root);
      m_lock = output::RootLock::take(*m_root, output::lock_name(m_files.journal.filename().string()),
                                      m_options.lock_wait_seconds, [&] { return stopping(); });
      if (!m_lock) {
        m_result.signal = m_options.signal->load();
        return m_result;  // interrupted while waiting for the lock: nothing was done
      }
      m_journal.emplace(*m_root, m_files.journal.filename().string());
    } catch (const util::RetryableError&) {
      throw;
    } catch (const std::exception& e) {
      throw util::FatalError(e.what());
    }
    m_state.emplace(m_manifest, m_journal->records());
    remove_stale_temporaries();

    if (m_options.on_start) m_options.on_start(m_plan.rendition_count());
    GraphWork<Outcome> work;
    std::size_t next_index = 0;
    work.next = [&]() -> std::optional<Job> {
      if (stopping() || next_index >= m_plan.assets.size()) return std::nullopt;
      if (m_options.deadline_seconds && seconds_since(start) > *m_options.deadline_seconds) {
        m_result.deadline_reached = true;
        return std::nullopt;
      }
      const std::size_t index = next_index++;
      return Job{index, prepare(index)};
    };
    work.stopping = [&] { return stopping(); };
    work.render = [&](const Job& job) {
      Outcome outcome = render_asset(job.index);
      // The asset's decoded image and buffers are gone: give their pages back before the next admission.
      if (job.estimate > 0) util::release_free_memory();
      return outcome;
    };
    work.failed = [&](const Job& job, const std::string& what) { return fail_all(job.index, "unexpected error: " + what); };
    work.record = [&](Outcome&& outcome) { record(std::move(outcome)); };
    work.on_worker_exit = [] { render::release_thread(); };
    m_result.graph = run_graph(GraphLimits{m_options.jobs, m_options.memory_budget}, work);

    m_result.assets_done = m_result.graph.admitted;
    m_result.assets_not_started = m_plan.assets.size() - m_result.graph.admitted;
    for (std::size_t i = m_result.graph.admitted; i < m_plan.assets.size(); ++i)
      m_result.renditions_not_started += m_plan.assets[i].renditions.size();
    if (m_options.signal) m_result.signal = m_options.signal->load();
    if (m_result.unrecorded > 0)
      m_result.problems.push_back(fmt::format("{} rendition{} could not be recorded in the journal '{}' and count as failed "
                                              "(a later run redoes them): {}",
                                              m_result.unrecorded, m_result.unrecorded == 1 ? "" : "s",
                                              m_files.journal.string(), m_first_journal_error));
    try {
      m_journal->compact();
    } catch (const std::exception& e) {
      m_result.problems.push_back(fmt::format("the journal could not be compacted and is kept as it was: {}", e.what()));
    }
    write_lists();
    m_result.wall_seconds = seconds_since(start);
    m_result.peak_rss_bytes = util::peak_rss_bytes();
    m_result.journal = m_files.journal;
    m_result.summary_json = report::run_json(m_result_view());
    try {
      m_root->write(m_files.summary.filename(), m_result.summary_json.dump(2) + "\n");
    } catch (const std::exception& e) {
      m_result.problems.push_back(fmt::format("{} could not be written: {}", m_files.summary.filename().string(), e.what()));
    }
    m_result.summary = report::summary_text(m_result_view());
    return m_result;
  }

 private:
  bool stopping() const { return m_options.signal && m_options.signal->load() != 0; }

  report::RunSummary m_result_view() const {
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
    s.records = &m_this_run;
    s.problems = m_result.problems;
    return s;
  }

  // Temporary files of a killed run, in the folders this run writes to.
  void remove_stale_temporaries() {
    std::set<fs::path> folders{fs::path()};
    for (const PlannedAsset& asset : m_plan.assets)
      for (const PlannedRendition& r : asset.renditions) folders.insert(fs::path(r.path).parent_path());
    for (const fs::path& folder : folders) m_root->remove_stale_temporaries(folder);
  }

  RenditionRecord base_record(const PlannedAsset& asset, const PlannedRendition& r, const Prepared& p, std::size_t i) const {
    RenditionRecord out;
    out.asset = asset.asset->id;
    out.preset = r.preset->name;
    out.format = presets::name(r.format);
    out.dpr = r.dpr;
    out.path = r.path;
    out.url = output::url_for(m_manifest.output.base_url.empty() ? "/" : m_manifest.output.base_url, r.path);
    out.content_type = presets::content_type(r.format);
    out.source = asset.asset->source_path.string();
    out.source_hash = p.state.source_hash;
    out.source_size = p.state.source_size;
    out.source_mtime_ns = p.state.source_mtime_ns;
    if (p.info) {
      out.source_width = p.info->width;
      out.source_height = p.info->height;
    }
    out.recipe_hash = p.state.recipes[i];
    out.renderer_version = util::k_version;
    out.libvips_version = render::libvips_version();
    out.requests = asset.asset->requests;
    out.finished_at = utc_now();
    return out;
  }

  // On the admitting thread: decide which renditions are up to date (hashing the source only when its
  // size or mtime changed), probe the header of what must be rendered. Returns the estimate.
  std::uint64_t prepare(std::size_t index) {
    const PlannedAsset& asset = m_plan.assets[index];
    Prepared& p = m_prepared[index];
    const auto start = std::chrono::steady_clock::now();
    p.state = m_state->decide(asset, m_options.force);
    for (std::size_t i = 0; i < asset.renditions.size(); ++i) {
      if (!p.state.up_to_date[i]) {
        p.todo.push_back(i);
        continue;
      }
      RenditionRecord same = *p.state.previous[i];
      same.status = Status::up_to_date;
      same.changed = false;
      same.seconds = {};
      same.requests = asset.asset->requests;
      same.finished_at = utc_now();
      publish::stamp_http(same, *asset.renditions[i].preset, asset.asset->tags);
      p.up_to_date.push_back(std::move(same));
    }
    std::uint64_t estimate = 0;
    if (!p.todo.empty() && p.state.error.empty()) {
      try {
        p.info = render::probe_source(asset.asset->source_path, m_manifest.limits);
        estimate = render::estimate_working_set(*p.info, requests_of(asset, p));
      } catch (const std::exception& e) {
        p.state.error = e.what();
      }
      if (p.state.error.empty()) p.state.error = over_memory(estimate);
      if (!p.state.error.empty()) estimate = 0;  // refused: it fails at once, without decoding
    }
    p.read_seconds = seconds_since(start);
    return estimate;
  }

  // Why an asset estimated to need `estimate` bytes is not rendered, or nothing: it must fit the budget
  // (admitted alone, it would take the memory the budget was set to protect) and what the process may use.
  std::string over_memory(std::uint64_t estimate) const {
    if (m_available_memory && estimate > *m_available_memory && *m_available_memory < m_options.memory_budget)
      return fmt::format("needs an estimated {}, over the {} of memory this process may use (cgroup limit or available RAM); "
                         "it cannot be rendered on this machine",
                         util::format_size(estimate), util::format_size(*m_available_memory));
    if (estimate > m_options.memory_budget)
      return fmt::format("needs an estimated {}, over the memory budget of {} (--memory); raise it to render this asset",
                         util::format_size(estimate), util::format_size(m_options.memory_budget));
    return {};
  }

  std::vector<render::RenditionRequest> requests_of(const PlannedAsset& asset, const Prepared& p) const {
    std::vector<render::RenditionRequest> out;
    for (std::size_t i : p.todo) out.push_back({asset.renditions[i].preset, asset.renditions[i].format, asset.renditions[i].dpr});
    return out;
  }

  Outcome fail_all(std::size_t index, const std::string& error) const {
    const PlannedAsset& asset = m_plan.assets[index];
    const Prepared& p = m_prepared[index];
    Outcome out{p.up_to_date};
    for (std::size_t i : p.todo) {
      RenditionRecord r = base_record(asset, asset.renditions[i], p, i);
      r.status = Status::failed;
      r.error = error;
      r.seconds.read = p.read_seconds;
      out.records.push_back(std::move(r));
    }
    return out;
  }

  // On a worker: decode once, derive every rendition to do, write each atomically.
  Outcome render_asset(std::size_t index) {
    const PlannedAsset& asset = m_plan.assets[index];
    const Prepared& p = m_prepared[index];
    if (p.todo.empty()) return Outcome{p.up_to_date};
    if (!p.state.error.empty()) return fail_all(index, p.state.error);
    Prepared& mine = m_prepared[index];  // this worker's own entry from here on
    if (mine.state.source_hash.empty()) {
      const auto hash_start = std::chrono::steady_clock::now();
      try {
        mine.state.source_hash = util::file_hash(asset.asset->source_path);
      } catch (const std::exception& e) {
        return fail_all(index, e.what());
      }
      mine.read_seconds += seconds_since(hash_start);
    }
    render::AssetJob job{asset.asset->source_path, *p.info, requests_of(asset, p), std::nullopt, m_manifest.limits};
    if (asset.asset->focus) job.focus = std::pair{asset.asset->focus->x, asset.asset->focus->y};
    std::vector<RenditionRecord> records(p.todo.size());
    // The decodes' transform groups, and the encodes within a group, are independent: a worker with
    // nothing else to do (the end of a run, an asset admitted alone for its size) takes some of them.
    const render::ParallelFor parallel = [](std::size_t count, const std::function<void(std::size_t)>& body) {
      tbb::parallel_for(std::size_t{0}, count, body, tbb::simple_partitioner());
    };
    const std::optional<render::AssetMetadata> metadata =
        render::render_asset(job, render::Metadata::yes, parallel, [&](std::size_t k, render::RenditionResult&& result) {
          records[k] = record_one(asset, p, k, std::move(result));
        });
    Outcome out{p.up_to_date};
    const nlohmann::json metadata_json = metadata ? metadata_to_json(*metadata) : nlohmann::json();
    for (RenditionRecord& r : records) {
      r.asset_metadata = metadata_json;
      out.records.push_back(std::move(r));
    }
    return out;
  }

  static nlohmann::json metadata_to_json(const render::AssetMetadata& m) {
    return {{"width", m.width},
            {"height", m.height},
            {"dominant_color", presets::to_string(m.dominant)},
            {"text_color", presets::to_string(m.text)},
            {"text_contrast", std::round(m.text_contrast * 100) / 100},
            {"blurhash", m.blurhash}};
  }

  // Writes one rendition's bytes (unless the same bytes are already there) and makes its record. Never
  // throws: a failure is the record's status.
  RenditionRecord record_one(const PlannedAsset& asset, const Prepared& p, std::size_t k, render::RenditionResult&& result) const {
    const std::size_t i = p.todo[k];
    const PlannedRendition& planned = asset.renditions[i];
    RenditionRecord r = base_record(asset, planned, p, i);
    r.seconds.read = p.read_seconds;
    r.seconds.decode = result.decode_seconds;
    try {
      if (!result.error.empty()) throw render::RenderError(result.error);
      const render::Rendered& rendered = result.rendered;
      r.seconds.transform = rendered.transform_seconds;
      r.seconds.encode = rendered.encode_seconds;
      r.width = rendered.width;
      r.height = rendered.height;
      r.quality = rendered.quality;
      r.bytes = rendered.bytes.size();
      r.etag = util::content_hash(rendered.bytes);
      // Changed means other bytes than the journal says the CDN was given: a file put back with its
      // recorded bytes (deleted, or forced) is written but is no reason to purge.
      const RenditionRecord* prev = p.state.previous[i];
      const bool same_bytes = prev && prev->etag == r.etag;
      const auto write_start = std::chrono::steady_clock::now();
      if (!same_bytes || !m_state->file_has_content(planned.path, r.bytes, r.etag, m_options.force))
        m_root->write(planned.path, rendered.bytes);
      r.seconds.write = seconds_since(write_start);
      r.changed = !same_bytes;
      r.status = Status::rendered;
      publish::stamp_http(r, *planned.preset, asset.asset->tags);
    } catch (const std::exception& e) {
      r.status = Status::failed;
      r.error = e.what();
    }
    r.seconds.total = r.seconds.transform + r.seconds.encode + r.seconds.write;
    r.finished_at = utc_now();
    return r;
  }

  // The one writer of the journal and the counts.
  void record(Outcome&& outcome) {
    for (RenditionRecord& r : outcome.records) {
      try {
        m_journal->append(r);
      } catch (const std::exception& e) {
        // What the journal does not hold, the next run does not know: the rendition is not done.
        const std::string reason = fmt::format("could not be recorded in the journal: {}", e.what());
        r.error = r.status == Status::failed ? fmt::format("{} (and {})", r.error, reason) : reason;
        r.status = Status::failed;
        if (m_result.unrecorded++ == 0) m_first_journal_error = e.what();
      }
      switch (r.status) {
        case Status::rendered: ++m_result.rendered; break;
        case Status::up_to_date: ++m_result.up_to_date; break;
        case Status::failed: ++m_result.failed; break;
      }
      if (m_options.on_rendition)
        m_options.on_rendition(r, m_result.rendered + m_result.up_to_date + m_result.failed, m_result.failed);
      if (r.changed) {
        ++m_result.changed;
        m_changed_urls.push_back(r.url);
      }
      m_this_run.push_back(std::move(r));
    }
  }

  void write_lists() {
    // Every URL of the manifest present, not only this run's selection's (--only, --top, --shard).
    write_list(m_files.urls, url_list(m_journal->records(), whole_plan()).text);
    std::string changed;
    for (const std::string& url : m_changed_urls) changed += url + "\n";
    write_list(m_files.changed, changed);
  }

  void write_list(const fs::path& file, const std::string& text) {
    try {
      m_root->write(file.filename(), text);
    } catch (const std::exception& e) {
      m_result.problems.push_back(fmt::format("{} could not be written: {}", file.filename().string(), e.what()));
    }
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
  std::optional<IncrementalState> m_state;  // read-only once the graph runs
  std::vector<Prepared> m_prepared;  // entry i: written by the admitting thread, then only by asset i's worker
  std::optional<std::uint64_t> m_available_memory;  // the cgroup limit or available RAM, when known
  std::optional<Plan> m_whole_plan;                 // built by whole_plan() when this run selected fewer assets
  std::vector<RenditionRecord> m_this_run;
  std::vector<std::string> m_changed_urls;
  std::string m_first_journal_error;
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
  run.on_rendition = [&](const output::RenditionRecord& record, std::size_t done, std::size_t failed) {
    out.records[record.path] = record;
    if (options.on_rendition) options.on_rendition(record, done, failed);
  };
  out.result = run_plan(manifest, planned.plan, run);
  return out;
}

}  // namespace prerender::engine
