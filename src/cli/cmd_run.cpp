#include <csignal>
#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <optional>

#include "cli/context.hpp"
#include "cli/signals.hpp"
#include "cli/store.hpp"
#include "engine/run.hpp"
#include "manifest/manifest.hpp"
#include "output/root.hpp"
#include "render/runtime.hpp"
#include "report/event_log.hpp"
#include "report/metrics.hpp"
#include "report/progress.hpp"
#include "util/units.hpp"
#include "util/version.hpp"

namespace prerender::cli {
namespace {

struct RunFlags {
  std::string file;
  SelectionOptions selection;
  ResourceOptions resources;
  std::string deadline;
  bool force = false;
  bool quiet = false;
  std::string log_format = "text";
  std::string log_file;
  std::string progress = "auto";
  std::string metrics_file;
  std::string state;
  LockOptions lock;
};

void add_run_flags(CLI::App& command, RunFlags& o) {
  command.add_option("MANIFEST", o.file, "The manifest (YAML)")->required();
  o.selection.add_to(command);
  o.resources.add_to(command);
  command.add_option("--deadline", o.deadline, "Stop admitting new assets after this long, e.g. 45m");
  o.lock.add_to(command);
  command.add_flag("--force", o.force, "Re-render renditions that are up to date");
  command.add_flag("-q,--quiet", o.quiet, "Only failures: no progress, no summary");
  command.add_option("--log-format", o.log_format, "text, or json: one object per event for ELK/Loki")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  command.add_option("--log-file", o.log_file, "Write the log here instead of stderr (appended)");
  add_progress_option(command, o.progress);
  command.add_option("--state", o.state, k_state_help);
  command.add_option("--metrics-file", o.metrics_file,
                     "Write Prometheus text metrics here (node_exporter textfile collector)");
}

engine::RunOptions run_options(const RunFlags& o) {
  engine::RunOptions options;
  o.resources.apply(options);
  if (!o.deadline.empty()) {
    options.deadline_seconds = util::parse_duration(o.deadline);
    if (!options.deadline_seconds) throw CLI::ValidationError("--deadline", "must be a duration such as 45m or 2h");
  }
  options.force = o.force;
  options.lock_wait_seconds = o.lock.wait_seconds();
  return options;
}

std::FILE* open_log(const std::string& path) {
  if (path.empty()) return nullptr;
  try {
    return output::open_for_appending(path);
  } catch (const std::exception& e) {
    throw CLI::ValidationError("--log-file", e.what());
  }
}

// The run's log (stderr or --log-file), its progress line, and with the log in a file the failures and a
// failed run's summary on stderr too, in text whatever --log-format says: that is what cron mails.
class RunReporting {
 public:
  RunReporting(const RunFlags& o, const Context& context)
      : m_file(open_log(o.log_file), &std::fclose),
        m_stream(m_file ? m_file.get() : stderr),
        m_verbosity(cli::verbosity(o.quiet, context)),
        m_log(m_stream, o.log_format == "json" ? report::LogFormat::json : report::LogFormat::text, m_verbosity),
        m_progress(progress_mode(o.progress), m_log, stderr) {
    if (m_stream != stderr) m_echo.emplace(stderr, m_verbosity, o.log_file);
  }

  void hook(engine::RunOptions& options, const std::string& manifest) {
    options.on_start = [this, &options, manifest](std::size_t total) {
      m_log.run_start({{"manifest", manifest},
                       {"renderer_version", util::k_version},
                       {"libvips_version", render::libvips_version()},
                       {"jobs", options.jobs},
                       {"memory_budget_bytes", options.memory_budget},
                       {"renditions", total}});
      m_progress.start(total);
    };
    options.on_rendition = [this](const output::RenditionRecord& record, std::size_t done, std::size_t failed) {
      if (m_log.stream() == stderr) m_progress.clear_line();
      m_log.rendition(record);
      if (m_echo) {
        if (record.status == output::Status::failed) m_progress.clear_line();
        m_echo->rendition(record);
      }
      m_progress.update(done, failed);
    };
  }

  void finish_progress() { m_progress.finish(); }

  void finish(const engine::RunResult& result, bool success) {
    m_log.run_end(report::to_json(*result.stats), result.summary);
    // What the storage refused is shown even with -q or a log file: a scheduler retries on exit 75.
    for (const std::string& problem : result.problems) fmt::print(stderr, "prerender: {}\n", problem);
    if (m_echo) m_echo->run_end(result.summary, success);
  }

 private:
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> m_file;
  std::FILE* m_stream;
  report::Verbosity m_verbosity;
  report::EventLog m_log;
  report::Progress m_progress;
  std::optional<report::FailureEcho> m_echo;
};

ExitCode exit_code_of(const engine::RunResult& result) {
  if (result.signal == SIGINT) return ExitCode::interrupted;
  if (result.signal == SIGTERM) return ExitCode::terminated;
  if (!result.problems.empty()) return ExitCode::retry;
  if (result.failed > 0 || result.renditions_not_started > 0) return ExitCode::failures;
  return ExitCode::ok;
}

std::optional<ExitCode> run_run(Context& context, const RunFlags& o) {
  engine::RunOptions options = run_options(o);
  const engine::Selection selection = o.selection.selection();
  options.shard = selection.shard;
  std::optional<engine::PlannedManifest> planned = load_planned(context, o.file, selection);
  if (!planned) return std::nullopt;
  set_up_decoding(planned->manifest, options.memory_budget);
  const StoreScope store(planned->manifest, o.state);
  options.store = store.store();
  RunReporting reporting(o, context);
  reporting.hook(options, o.file);

  SignalScope signals;
  options.signal = signals.signal();
  const engine::RunResult result = engine::run_plan(planned->manifest, planned->plan, options);
  reporting.finish_progress();
  if (!result.stats)  // interrupted while waiting for the lock
    return result.signal == SIGTERM ? ExitCode::terminated : ExitCode::interrupted;
  const bool success =
      result.failed == 0 && result.renditions_not_started == 0 && result.signal == 0 && result.problems.empty();
  reporting.finish(result, success);
  if (!o.metrics_file.empty()) {
    try {
      report::write_metrics_file(o.metrics_file, *result.stats, success);
    } catch (const std::exception& e) {
      fmt::print(stderr, "prerender: cannot write the metrics file: {}\n", e.what());
    }
  }
  return exit_code_of(result);
}

}  // namespace

void add_run(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand("run", "Render everything the manifest asks for; skip what is already up to date");
  command->footer(
      "Outputs go under output.root with renditions.jsonl (one line per rendition, appended as each finishes),\n"
      "urls.txt (most popular first), changed.txt (URLs whose bytes changed) and run.json (the summary).\n"
      "With --shard K/N those are renditions-K-of-N.jsonl etc.; `prerender merge` combines them.\n"
      "One run per output root at a time (a lock, .prerender.lock, holds the holder's pid): a second one exits 75\n"
      "at once, or waits with --wait.\n"
      "Exit 0 when every requested rendition is present and up to date, 1 when some failed or were not started\n"
      "(deadline), 2 on a manifest error, 75 when the output root is locked or its storage refused the journal,\n"
      "urls.txt or run.json (full disk, file-size limit: retry) or the object store refused an upload, 130/143 when "
      "interrupted.\n"
      "With output.root s3://bucket/prefix each rendition is PUT to the store (AWS_* environment variables);\n"
      "the journal and lists are kept under the prefix's .prerender/ between runs.\n"
      "Example: prerender run site.yaml --top 1000 --jobs 4 --memory 2GiB --deadline 45m");
  auto o = std::make_shared<RunFlags>();
  add_run_flags(*command, *o);
  command->callback([&context, o] {
    if (const std::optional<ExitCode> code = run_run(context, *o)) context.exit_code = *code;
  });
}

}  // namespace prerender::cli
