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
      "urls.txt or run.json (full disk, file-size limit: retry) or the object store refused an upload, 130/143 when interrupted.\n"
      "With output.root s3://bucket/prefix each rendition is PUT to the store (AWS_* environment variables);\n"
      "the journal and lists are kept under the prefix's .prerender/ between runs.\n"
      "Example: prerender run site.yaml --top 1000 --jobs 4 --memory 2GiB --deadline 45m");
  struct Options {
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
  auto o = std::make_shared<Options>();
  command->add_option("MANIFEST", o->file, "The manifest (YAML)")->required();
  o->selection.add_to(*command);
  o->resources.add_to(*command);
  command->add_option("--deadline", o->deadline, "Stop admitting new assets after this long, e.g. 45m");
  o->lock.add_to(*command);
  command->add_flag("--force", o->force, "Re-render renditions that are up to date");
  command->add_flag("-q,--quiet", o->quiet, "Only failures: no progress, no summary");
  command->add_option("--log-format", o->log_format, "text, or json: one object per event for ELK/Loki")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  command->add_option("--log-file", o->log_file, "Write the log here instead of stderr (appended)");
  add_progress_option(*command, o->progress);
  command->add_option("--state", o->state, k_state_help);
  command->add_option("--metrics-file", o->metrics_file, "Write Prometheus text metrics here (node_exporter textfile collector)");
  command->callback([&context, o] {
    engine::RunOptions options;
    o->resources.apply(options);
    if (!o->deadline.empty()) {
      options.deadline_seconds = util::parse_duration(o->deadline);
      if (!options.deadline_seconds) throw CLI::ValidationError("--deadline", "must be a duration such as 45m or 2h");
    }
    options.force = o->force;
    options.lock_wait_seconds = o->lock.wait_seconds();
    const engine::Selection selection = o->selection.selection();
    options.shard = selection.shard;
    std::optional<engine::PlannedManifest> planned = load_planned(context, o->file, selection);
    if (!planned) return;
    set_up_decoding(planned->manifest, options.memory_budget);
    const StoreScope store(planned->manifest, o->state);
    options.store = store.store();
    const manifest::Manifest& manifest = planned->manifest;
    const engine::Plan& plan = planned->plan;

    std::FILE* log_stream = stderr;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> log_file(nullptr, &std::fclose);
    if (!o->log_file.empty()) {
      try {
        log_file.reset(output::open_for_appending(o->log_file));
      } catch (const std::exception& e) {
        throw CLI::ValidationError("--log-file", e.what());
      }
      log_stream = log_file.get();
    }
    const report::Verbosity verbosity = cli::verbosity(o->quiet, context);
    report::EventLog log(log_stream, o->log_format == "json" ? report::LogFormat::json : report::LogFormat::text, verbosity);
    report::Progress progress(progress_mode(o->progress), log, stderr);
    // With the log in a file, failures and a failed run's summary still reach stderr, in text whatever
    // --log-format says: that is what cron mails.
    std::optional<report::FailureEcho> echo;
    if (log_stream != stderr) echo.emplace(stderr, verbosity, o->log_file);
    options.on_start = [&](std::size_t total) {
      log.run_start({{"manifest", o->file},
                     {"renderer_version", util::k_version},
                     {"libvips_version", render::libvips_version()},
                     {"jobs", options.jobs},
                     {"memory_budget_bytes", options.memory_budget},
                     {"renditions", total}});
      progress.start(total);
    };
    options.on_rendition = [&](const output::RenditionRecord& record, std::size_t done, std::size_t failed) {
      if (log.stream() == stderr) progress.clear_line();
      log.rendition(record);
      if (echo) {
        if (record.status == output::Status::failed) progress.clear_line();
        echo->rendition(record);
      }
      progress.update(done, failed);
    };

    SignalScope signals;
    options.signal = signals.signal();
    const engine::RunResult result = engine::run_plan(manifest, plan, options);
    progress.finish();
    if (!result.stats) {  // interrupted while waiting for the lock
      context.exit_code = result.signal == SIGTERM ? ExitCode::terminated : ExitCode::interrupted;
      return;
    }
    log.run_end(report::to_json(*result.stats), result.summary);
    // What the storage refused is shown even with -q or a log file: a scheduler retries on exit 75.
    for (const std::string& problem : result.problems) fmt::print(stderr, "prerender: {}\n", problem);
    const bool success = result.failed == 0 && result.renditions_not_started == 0 && result.signal == 0 && result.problems.empty();
    if (echo) echo->run_end(result.summary, success);
    if (!o->metrics_file.empty()) {
      try {
        report::write_metrics_file(o->metrics_file, *result.stats, success);
      } catch (const std::exception& e) {
        fmt::print(stderr, "prerender: cannot write the metrics file: {}\n", e.what());
      }
    }
    if (result.signal == SIGINT) context.exit_code = ExitCode::interrupted;
    else if (result.signal == SIGTERM) context.exit_code = ExitCode::terminated;
    else if (!result.problems.empty()) context.exit_code = ExitCode::retry;
    else if (result.failed > 0 || result.renditions_not_started > 0) context.exit_code = ExitCode::failures;
    else context.exit_code = ExitCode::ok;
  });
}

}  // namespace prerender::cli
