#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "cli/exit_code.hpp"
#include "engine/plan.hpp"
#include "engine/run.hpp"
#include "report/progress.hpp"

namespace prerender::cli {

// What every command shares: where the process started and the exit code its callback sets.
struct Context {
  const char* argv0 = "prerender";
  ExitCode exit_code = ExitCode::ok;
  bool verbose = false;  // -v: every rendition, libvips warnings
};

// --top, --only and --shard, shared by the commands that select assets.
struct SelectionOptions {
  std::optional<std::size_t> top;
  std::optional<std::string> only;
  std::optional<std::string> shard;     // K/N or auto
  std::optional<std::uint32_t> shards;  // N for --shard auto
  std::string shard_by = "cost";        // --shard-by: cost or hash

  void add_to(CLI::App& command);
  // Throws CLI::ValidationError when --shard is malformed or `auto` finds no shard in the environment.
  engine::Selection selection() const;
};

// --jobs and --memory, shared by the commands that render.
struct ResourceOptions {
  int jobs = 0;
  std::string memory;

  void add_to(CLI::App& command);
  // Jobs and memory budget, defaults from the machine. Throws CLI::ValidationError on a bad --memory.
  void apply(engine::RunOptions& options) const;
};

// --wait and --wait-timeout, shared by the commands that write a journal (run, merge).
struct LockOptions {
  bool wait = false;
  std::string timeout;

  void add_to(CLI::App& command);
  // Unset: do not wait; otherwise seconds (infinity without --wait-timeout). Throws CLI::ValidationError on a
  // bad --wait-timeout.
  std::optional<double> wait_seconds() const;
};

// --progress auto|always|never, and what it asks for.
void add_progress_option(CLI::App& command, std::string& value);
report::ProgressMode progress_mode(const std::string& value);

// Prints every manifest problem to stderr and a count line; returns ExitCode::usage.
ExitCode report_manifest_error(const std::exception& error, const std::string& file);

// Loads and plans the manifest `file` for `selection`. On problems, prints them all, sets the exit code to
// ExitCode::usage and returns nothing.
std::optional<engine::PlannedManifest> load_planned(Context& context, const std::string& file,
                                                    const engine::Selection& selection);

// The runtime of the commands that decode: no isolated decoder may use more than the run's whole memory
// budget (a file that makes a codec allocate without bound fails alone, render/isolated.hpp), and the
// loaders libvips marks untrusted are blocked unless the manifest's limits allow them.
void set_up_decoding(manifest::Manifest& manifest, std::uint64_t memory_budget);

// -q and -v.
report::Verbosity verbosity(bool quiet, const Context& context);

void add_validate(CLI::App& app, Context& context);
void add_presets(CLI::App& app, Context& context);
void add_plan(CLI::App& app, Context& context);
void add_render(CLI::App& app, Context& context);
void add_run(CLI::App& app, Context& context);
void add_check(CLI::App& app, Context& context);
void add_preview(CLI::App& app, Context& context);
void add_merge(CLI::App& app, Context& context);
void add_urls(CLI::App& app, Context& context);
void add_popularity(CLI::App& app, Context& context);
void add_publish_config(CLI::App& app, Context& context);
void add_warm(CLI::App& app, Context& context);
void add_purge(CLI::App& app, Context& context);

}  // namespace prerender::cli
