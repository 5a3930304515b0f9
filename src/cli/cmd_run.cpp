#include <atomic>
#include <csignal>
#include <cstdio>
#include <fmt/format.h>
#include <unistd.h>

#include "cli/context.hpp"
#include "engine/run.hpp"
#include "manifest/manifest.hpp"
#include "render/runtime.hpp"
#include "util/system.hpp"
#include "util/units.hpp"
#include "util/version.hpp"
#include "report/event_log.hpp"
#include "report/metrics.hpp"
#include "report/progress.hpp"
#include <memory>

namespace prerender::cli {
namespace {

// The one process-wide state a signal handler can reach: the first SIGINT/SIGTERM asks the run to stop
// admitting; a second one exits at once (every output is renamed into place whole, so no partial file is
// left at an output path, only temporaries the next run removes).
std::atomic<int> g_signal{0};

extern "C" void on_signal(int number) {
  int expected = 0;
  if (!g_signal.compare_exchange_strong(expected, number)) ::_exit(128 + number);
  static const char k_message[] = "\nprerender: stopping: finishing renditions in flight (signal again to exit now)\n";
  [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, k_message, sizeof(k_message) - 1);
}

class SignalScope {
 public:
  SignalScope() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &m_old_int);
    sigaction(SIGTERM, &action, &m_old_term);
  }
  ~SignalScope() {
    sigaction(SIGINT, &m_old_int, nullptr);
    sigaction(SIGTERM, &m_old_term, nullptr);
  }

 private:
  struct sigaction m_old_int {}, m_old_term {};
};

}  // namespace

std::uint64_t default_memory_budget() {
  // Half of what the process may use (cgroup limit or available RAM): the rest is for libvips' and the
  // allocator's own overheads, the page cache and whatever else the machine runs.
  const auto available = util::available_memory();
  return available ? *available / 2 : (1ull << 30);
}

void add_run(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand("run", "Render everything the manifest asks for; skip what is already up to date");
  command->footer(
      "Outputs go under output.root with renditions.jsonl (one line per rendition, appended as each finishes),\n"
      "urls.txt (most popular first), changed.txt (URLs whose bytes changed) and run.json (the summary).\n"
      "With --shard K/N those are renditions-K-of-N.jsonl etc.; `prerender merge` combines them.\n"
      "Exit 0 when every requested rendition is present and up to date, 1 when some failed or were not started\n"
      "(deadline), 2 on a manifest error, 130/143 when interrupted.\n"
      "Example: prerender run site.yaml --top 1000 --jobs 4 --memory 2GiB --deadline 45m");
  struct Options {
    std::string file;
    SelectionOptions selection;
    int jobs = 0;
    std::string memory;
    std::string deadline;
    bool force = false;
    bool quiet = false;
    std::string log_format = "text";
    std::string log_file;
    std::string progress = "auto";
    std::string metrics_file;
  };
  auto o = std::make_shared<Options>();
  command->add_option("MANIFEST", o->file, "The manifest (YAML)")->required();
  o->selection.add_to(*command);
  command->add_option("--jobs", o->jobs, "Assets rendered at once (default: CPUs available, affinity and cgroup aware)")
      ->check(CLI::Range(1, 1024));
  command->add_option("--memory", o->memory, "Memory budget for admitted work, e.g. 2GiB (default: half of the cgroup limit or available RAM)");
  command->add_option("--deadline", o->deadline, "Stop admitting new assets after this long, e.g. 45m");
  command->add_flag("--force", o->force, "Re-render renditions that are up to date");
  command->add_flag("-q,--quiet", o->quiet, "Only failures: no progress, no summary");
  command->add_option("--log-format", o->log_format, "text, or json: one object per event for ELK/Loki")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  command->add_option("--log-file", o->log_file, "Write the log here instead of stderr (appended)");
  command->add_option("--progress", o->progress, "auto (a live line on a terminal, a line every 10 s otherwise), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  command->add_option("--metrics-file", o->metrics_file, "Write Prometheus text metrics here (node_exporter textfile collector)");
  command->callback([&context, o] {
    engine::RunOptions options;
    options.jobs = o->jobs > 0 ? o->jobs : util::available_cpus();
    options.memory_budget = default_memory_budget();
    if (!o->memory.empty()) {
      auto bytes = util::parse_size(o->memory);
      if (!bytes || *bytes == 0) throw CLI::ValidationError("--memory", "must be a size such as 2GiB or 512MB");
      options.memory_budget = *bytes;
    }
    if (!o->deadline.empty()) {
      options.deadline_seconds = util::parse_duration(o->deadline);
      if (!options.deadline_seconds) throw CLI::ValidationError("--deadline", "must be a duration such as 45m or 2h");
    }
    options.force = o->force;
    const engine::Selection selection = o->selection.selection();
    options.shard = selection.shard;
    std::optional<engine::PlannedManifest> planned;
    try {
      planned.emplace(engine::load_and_plan(o->file, selection, false));
    } catch (const manifest::ManifestError& e) {
      context.exit_code = report_manifest_error(e, o->file);
      return;
    }
    const manifest::Manifest& manifest = planned->manifest;
    const engine::Plan& plan = planned->plan;
    render::allow_untrusted_loaders(manifest.limits.allow_untrusted);

    std::FILE* log_stream = stderr;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> log_file(nullptr, &std::fclose);
    if (!o->log_file.empty()) {
      log_file.reset(std::fopen(o->log_file.c_str(), "a"));
      if (!log_file) throw CLI::ValidationError("--log-file", fmt::format("cannot open '{}'", o->log_file));
      log_stream = log_file.get();
    }
    const report::Verbosity verbosity = o->quiet ? report::Verbosity::quiet
                                        : context.verbose ? report::Verbosity::verbose
                                                          : report::Verbosity::normal;
    report::EventLog log(log_stream, o->log_format == "json" ? report::LogFormat::json : report::LogFormat::text, verbosity);
    report::Progress progress(o->progress == "always"  ? report::ProgressMode::always
                              : o->progress == "never" ? report::ProgressMode::never
                                                       : report::ProgressMode::auto_detect,
                              log, stderr);
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
      progress.update(done, failed);
    };

    g_signal.store(0);
    SignalScope signals;
    options.signal = &g_signal;
    const engine::RunResult result = engine::run_plan(manifest, plan, options);
    progress.finish();
    log.run_end(result.summary_json, result.summary);
    const bool success = result.failed == 0 && result.renditions_not_started == 0 && result.signal == 0;
    if (!o->metrics_file.empty()) {
      try {
        report::write_metrics_file(o->metrics_file, result.summary_json, success);
      } catch (const std::exception& e) {
        fmt::print(stderr, "prerender: cannot write the metrics file: {}\n", e.what());
      }
    }
    if (result.signal == SIGINT) context.exit_code = ExitCode::interrupted;
    else if (result.signal == SIGTERM) context.exit_code = ExitCode::terminated;
    else if (result.failed > 0 || result.renditions_not_started > 0) context.exit_code = ExitCode::failures;
    else context.exit_code = ExitCode::ok;
  });
}

}  // namespace prerender::cli
