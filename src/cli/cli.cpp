#include "cli/cli.hpp"

#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <fmt/format.h>
#include <limits>

#include "cli/context.hpp"
#include "engine/shard_env.hpp"
#include "manifest/diagnostics.hpp"
#include "render/isolated.hpp"
#include "render/runtime.hpp"
#include "util/error.hpp"
#include "util/system.hpp"
#include "util/units.hpp"
#include "util/version.hpp"

namespace prerender::cli {

void SelectionOptions::add_to(CLI::App& command) {
  command.add_option("--top", top, "Only the N most requested assets")->check(CLI::PositiveNumber);
  command.add_option("--only", only, "Only assets whose id matches this glob ('*' also matches '/')");
  command.add_option(
      "--shard", shard,
      "Only shard K of N (0-based K/N, balanced by the costs in output.root's renditions.jsonl); auto: K "
      "and N from the batch engine (JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_*, AWS_BATCH_JOB_ARRAY_INDEX)");
  command
      .add_option("--shard-by", shard_by,
                  "How --shard deals assets: cost (balanced, the default) or hash (of the id alone)")
      ->check(CLI::IsMember({"cost", "hash"}));
  command
      .add_option("--shards", shards,
                  "With --shard auto: the shard count N (needed on Kubernetes and AWS Batch); "
                  "plan --shards N alone: every shard's estimate")
      ->check(CLI::Range(1u, 1u << 20));
}

engine::Selection SelectionOptions::selection() const {
  engine::Selection out;
  out.only = only;
  out.top = top;
  out.shard_by = shard_by == "hash" ? engine::ShardBy::hash : engine::ShardBy::cost;
  if (shards && shard != "auto") throw CLI::ValidationError("--shards", "goes with --shard auto");
  if (shard == "auto") {
    const auto found = engine::shard_from_environment(
        [](std::string_view name) -> std::optional<std::string> {
          const char* value = std::getenv(std::string(name).c_str());
          return value ? std::optional<std::string>(value) : std::nullopt;
        },
        shards);
    if (const auto* error = std::get_if<std::string>(&found)) throw CLI::ValidationError(*error);
    out.shard = std::get<engine::Shard>(found);
  } else if (shard) {
    out.shard = engine::parse_shard(*shard);
    if (!out.shard) throw CLI::ValidationError("--shard", "must be K/N with 0 <= K < N, e.g. 0/4, or auto");
  }
  return out;
}

void ResourceOptions::add_to(CLI::App& command) {
  command.add_option("--jobs", jobs, "Assets rendered at once (default: CPUs available, affinity and cgroup aware)")
      ->check(CLI::Range(1, 1024));
  command.add_option("--memory", memory,
                     "Memory budget for admitted work, e.g. 2GiB (default: half of the cgroup limit or available RAM)");
}

void ResourceOptions::apply(engine::RunOptions& options) const {
  options.jobs = jobs > 0 ? jobs : util::available_cpus();
  // Half of what the process may use (cgroup limit or available RAM): the rest is for libvips' and the
  // allocator's own overheads, the page cache and whatever else the machine runs.
  const auto available = util::available_memory();
  options.memory_budget = available ? *available / 2 : (1ull << 30);
  if (!memory.empty()) {
    const auto bytes = util::parse_size(memory);
    if (!bytes || *bytes == 0) throw CLI::ValidationError("--memory", "must be a size such as 2GiB or 512MB");
    options.memory_budget = *bytes;
  }
}

void LockOptions::add_to(CLI::App& command) {
  command.add_flag("--wait", wait, "When another run holds the output root, wait for it (default: exit 75 at once)");
  command.add_option("--wait-timeout", timeout, "Wait at most this long (implies --wait), then exit 75, e.g. 10m");
}

std::optional<double> LockOptions::wait_seconds() const {
  if (!timeout.empty()) {
    const auto seconds = util::parse_duration(timeout);
    if (!seconds) throw CLI::ValidationError("--wait-timeout", "must be a duration such as 30s or 10m");
    return *seconds;
  }
  if (wait) return std::numeric_limits<double>::infinity();
  return std::nullopt;
}

void add_progress_option(CLI::App& command, std::string& value) {
  command
      .add_option("--progress", value, "auto (a live line on a terminal, a line every 10 s otherwise), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
}

report::ProgressMode progress_mode(const std::string& value) {
  return value == "always"  ? report::ProgressMode::always
         : value == "never" ? report::ProgressMode::never
                            : report::ProgressMode::auto_detect;
}

ExitCode report_manifest_error(const std::exception& error, const std::string& file) {
  std::size_t count = 1;
  if (const auto* manifest_error = dynamic_cast<const manifest::ManifestError*>(&error)) {
    count = manifest_error->items().size();
    for (const manifest::Diagnostic& d : manifest_error->items()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
  } else {
    std::fprintf(stderr, "%s: %s\n", file.c_str(), error.what());
  }
  std::fprintf(stderr, "prerender: %zu problem%s in %s; nothing was rendered\n", count, count == 1 ? "" : "s",
               file.c_str());
  return ExitCode::usage;
}

std::optional<engine::PlannedManifest> load_planned(Context& context, const std::string& file,
                                                    const engine::Selection& selection) {
  try {
    return engine::load_and_plan(file, selection, false);
  } catch (const manifest::ManifestError& e) {
    context.exit_code = report_manifest_error(e, file);
    return std::nullopt;
  }
}

void set_up_decoding(manifest::Manifest& manifest, std::uint64_t memory_budget) {
  manifest.limits.decoder_memory_bytes = memory_budget;
  render::allow_untrusted_loaders(manifest.limits.allow_untrusted);
}

report::Verbosity verbosity(bool quiet, const Context& context) {
  return quiet ? report::Verbosity::quiet : context.verbose ? report::Verbosity::verbose : report::Verbosity::normal;
}

namespace {

constexpr const char* k_exit_codes =
    "Exit codes: 0 everything requested is present and up to date; 1 some renditions failed (the others\n"
    "were written); 2 usage or manifest error (nothing rendered); 3 check found differences;\n"
    "75 retryable infrastructure failure (the output root is locked by another run, or the storage refused\n"
    "the journal, urls.txt or run.json: full disk, file-size limit); 130/143 interrupted by SIGINT/SIGTERM\n"
    "(what finished is recorded and kept).";

void print_version() {
  std::string formats;
  for (const std::string& f : render::writable_formats()) formats += (formats.empty() ? "" : " ") + f;
  fmt::print("prerender {}\nlibvips {}\nwrites: {}\n", util::k_version, render::libvips_version(), formats);
}

// The commands, in the order --help lists them.
void add_commands(CLI::App& app, Context& context) {
  add_validate(app, context);
  add_presets(app, context);
  add_plan(app, context);
  add_render(app, context);
  add_run(app, context);
  add_check(app, context);
  add_preview(app, context);
  add_merge(app, context);
  add_urls(app, context);
  add_popularity(app, context);
  add_publish_config(app, context);
  add_warm(app, context);
  add_purge(app, context);
}

}  // namespace

int run(int argc, char** argv) {
  Context context;
  context.argv0 = argc > 0 ? argv[0] : "prerender";
  // Measured on the real-photo workload at --jobs 2: peak RSS 575-598 MiB with glibc's default arenas,
  // 316-404 MiB with two, at the same CPU time (jemalloc: 356-394 MiB, 6% slower).
  util::limit_malloc_arenas(2);
  // Past a file-size limit (RLIMIT_FSIZE) a write should fail with EFBIG, like on a full disk, and fail
  // that one rendition, not kill the whole run with SIGXFSZ.
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    // libvips warnings explain failures already reported with their reason; they are shown with -v.
    render::VipsRuntime runtime(context.argv0, [&context](std::string_view domain, std::string_view message) {
      if (context.verbose) fmt::print(stderr, "prerender: {}: {}\n", domain, message);
    });
    // The isolated decoder (render/isolated.hpp): not a user command, so not in --help.
    if (argc >= 2 && std::string_view(argv[1]) == "__child") return render::child_main({argv + 2, argv + argc});
    CLI::App app{"prerender: pre-renders image renditions in batch for CDNs, from a YAML manifest.", "prerender"};
    app.footer(k_exit_codes);
    app.require_subcommand(0, 1);
    bool version = false;
    app.add_flag("-v,--verbose", context.verbose, "Show every rendition and libvips' own warnings");
    app.fallthrough();  // global options may also follow the command
    app.add_flag("--version", version, "Print the renderer and libvips versions and the formats this build writes");
    add_commands(app, context);
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      const int code = app.exit(e);
      return code == 0 ? 0 : to_int(ExitCode::usage);
    }
    if (version) {
      print_version();
      return 0;
    }
    if (app.get_subcommands().empty()) {
      std::fprintf(stderr, "%s", app.help().c_str());
      return to_int(ExitCode::usage);
    }
    return to_int(context.exit_code);
  } catch (const util::RetryableError& e) {
    std::fprintf(stderr, "prerender: %s\n", e.what());
    return to_int(ExitCode::retry);
  } catch (const util::FatalError& e) {
    std::fprintf(stderr, "prerender: %s\n", e.what());
    return to_int(ExitCode::usage);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "prerender: unexpected error: %s\n", e.what());
    return to_int(ExitCode::usage);
  }
}

}  // namespace prerender::cli
