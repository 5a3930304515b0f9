#include <csignal>
#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <optional>

#include "cli/context.hpp"
#include "cli/signals.hpp"
#include "engine/check.hpp"
#include "output/atomic_write.hpp"
#include "render/runtime.hpp"
#include "report/check_report.hpp"
#include "report/event_log.hpp"
#include "report/progress.hpp"

namespace prerender::cli {

namespace {

struct CheckFlags {
  std::string file, golden, junit, html;
  bool update = false, quiet = false;
  std::string progress = "auto";
  SelectionOptions selection;
  ResourceOptions resources;
};

void add_check_flags(CLI::App& command, CheckFlags& o) {
  command.add_option("MANIFEST", o.file, "The manifest (YAML)")->required();
  command.add_option("--golden", o.golden, "The folder of approved references")->required();
  command.add_flag("--update", o.update,
                   "Write the new outputs as the references (and remove extra ones); list what changed");
  command.add_option("--junit", o.junit, "Write JUnit XML here: one test case per rendition");
  command.add_option("--html", o.html, "Write a self-contained HTML report into this folder (index.html)");
  command.add_flag("-q,--quiet", o.quiet, "No progress line");
  add_progress_option(command, o.progress);
  o.selection.add_to(command);
  o.resources.add_to(command);
}

// The text on stdout, then --junit and --html; false (reported) when a report cannot be written.
bool write_reports(const CheckFlags& o, const report::CheckResult& result) {
  std::fputs(report::check_text(result).c_str(), stdout);
  std::fflush(stdout);
  try {
    if (!o.junit.empty()) output::write_atomically(o.junit, report::junit_xml(result));
    if (!o.html.empty()) {
      const std::filesystem::path page = std::filesystem::path(o.html) / "index.html";
      output::write_atomically(page, report::check_html(result));
      fmt::print(stderr, "prerender check: report written to {}\n", page.string());
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "prerender check: cannot write a report: {}\n", e.what());
    return false;
  }
  return true;
}

std::optional<ExitCode> run_check(Context& context, const CheckFlags& o) {
  engine::CheckOptions options;
  options.golden = o.golden;
  options.update = o.update ? engine::Update::yes : engine::Update::no;
  options.images = o.html.empty() ? engine::ReportImages::no : engine::ReportImages::yes;
  o.resources.apply(options.run);
  std::optional<engine::PlannedManifest> planned = load_planned(context, o.file, o.selection.selection());
  if (!planned) return std::nullopt;
  set_up_decoding(planned->manifest, options.run.memory_budget);

  const report::Verbosity verbosity = cli::verbosity(o.quiet, context);
  report::EventLog log(stderr, report::LogFormat::text, verbosity);
  report::Progress progress(progress_mode(o.progress), log, stderr);
  options.run.on_start = [&](std::size_t total) { progress.start(total); };
  options.run.on_rendition = [&](const output::RenditionRecord& record, std::size_t done, std::size_t failed) {
    if (context.verbose) {
      progress.clear_line();
      log.rendition(record);
    }
    progress.update(done, failed);
  };
  SignalScope signals;
  options.run.signal = signals.signal();
  const report::CheckResult result = engine::run_check(*planned, options);
  progress.finish();
  if (result.signal != 0) {
    fmt::print(stderr, "prerender check: interrupted; nothing was compared{}\n",
               o.update ? " and no reference changed" : "");
    return result.signal == SIGINT ? ExitCode::interrupted : ExitCode::terminated;
  }
  if (!write_reports(o, result)) return ExitCode::usage;
  if (result.count(report::Finding::render_error) > 0) return ExitCode::failures;
  if (!o.update && result.count_failed() > 0) return ExitCode::differences;
  return ExitCode::ok;
}

}  // namespace

void add_check(CLI::App& app, Context& context) {
  auto* command =
      app.add_subcommand("check", "Render into a temporary folder and compare with approved references (CI)");
  command->footer(
      "Each rendition is compared with the file at the same path under --golden: same format, same dimensions,\n"
      "perceptual difference (1 - mean SSIM) at most the preset's check.max_difference (default 0.01), bytes\n"
      "within max_bytes and within check.max_bytes_change of the reference (default 0.1, i.e. +-10%).\n"
      "References no rendition writes are reported as extra. --update makes the new outputs the references.\n"
      "Exit 0 when everything matches (or the references were updated), 3 when something differs or lacks a\n"
      "reference, 1 when a rendition could not be rendered, 2 on a usage or manifest error.\n"
      "Example: prerender check site.yaml --golden tests/golden --junit check.xml --html check-report");
  auto o = std::make_shared<CheckFlags>();
  add_check_flags(*command, *o);
  command->callback([&context, o] {
    if (const std::optional<ExitCode> code = run_check(context, *o)) context.exit_code = *code;
  });
}

}  // namespace prerender::cli
