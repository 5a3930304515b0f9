#include <fmt/format.h>

#include "cli/context.hpp"
#include "engine/merge.hpp"
#include "manifest/manifest.hpp"
#include "util/error.hpp"
#include "util/glob.hpp"

namespace prerender::cli {

void add_merge(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand("merge", "Combine the journals of shard runs into renditions.jsonl, urls.txt and changed.txt");
  command->footer("Run after every `prerender run MANIFEST --shard K/N` has finished.\nExample: prerender merge site.yaml");
  auto file = std::make_shared<std::string>();
  auto lock = std::make_shared<LockOptions>();
  command->add_option("MANIFEST", *file, "The manifest (YAML)")->required();
  lock->add_to(*command);
  command->callback([&context, file, lock] {
    try {
      const engine::PlannedManifest planned = engine::load_and_plan(*file, {}, false);
      const engine::MergeResult result = engine::merge_shards(planned.manifest, planned.plan, lock->wait_seconds());
      fmt::print("merged {} shard journals: {} renditions, {} changed\n", result.shards, result.records, result.changed);
      if (result.removed > 0)
        fmt::print("{} renditions no longer in the manifest: left out of urls.txt, their files left on disk\n", result.removed);
      context.exit_code = ExitCode::ok;
    } catch (const manifest::ManifestError& e) {
      context.exit_code = report_manifest_error(e, *file);
    } catch (const util::RetryableError& e) {
      fmt::print(stderr, "prerender: {}\n", e.what());
      context.exit_code = ExitCode::retry;
    } catch (const std::exception& e) {
      fmt::print(stderr, "prerender: {}\n", e.what());
      context.exit_code = ExitCode::usage;
    }
  });
}

void add_urls(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand("urls", "List the URLs of rendered renditions, filtered (warm-up and purge lists)");
  command->footer(
      "Reads renditions.jsonl under output.root; most popular first.\n"
      "Example: prerender urls site.yaml --renderer-version 0.1.0   (every URL a bad version made: purge them)\n"
      "         prerender urls site.yaml --changed --preset 'hero*'");
  struct Options {
    std::string file, preset, asset, renderer_version;
    bool changed = false, failed = false;
  };
  auto o = std::make_shared<Options>();
  command->add_option("MANIFEST", o->file, "The manifest (YAML)")->required();
  command->add_option("--preset", o->preset, "Only presets matching this glob");
  command->add_option("--asset", o->asset, "Only assets whose id matches this glob ('*' also matches '/')");
  command->add_option("--renderer-version", o->renderer_version, "Only renditions made by this renderer version");
  command->add_flag("--changed", o->changed, "Only URLs whose bytes changed in the run that last wrote them");
  command->add_flag("--failed", o->failed, "The renditions that failed instead of those present");
  command->callback([&context, o] {
    try {
      const engine::PlannedManifest planned = engine::load_and_plan(o->file, {}, false);
      const manifest::Manifest& manifest = planned.manifest;
      const engine::Plan& plan = planned.plan;
      const auto journal = manifest.output.root / "renditions.jsonl";
      std::error_code journal_error;
      if (!std::filesystem::exists(journal, journal_error)) {
        fmt::print(stderr, "prerender: no {} yet: run (or merge) first\n", journal.string());
        context.exit_code = ExitCode::usage;
        return;
      }
      std::string out;
      for (const output::RenditionRecord& r : engine::records_in_priority_order(output::Journal::read(journal), plan)) {
        if ((r.status == output::Status::failed) != o->failed) continue;
        if (!o->preset.empty() && !util::glob_match(o->preset, r.preset)) continue;
        if (!o->asset.empty() && !util::glob_match(o->asset, r.asset)) continue;
        if (!o->renderer_version.empty() && r.renderer_version != o->renderer_version) continue;
        if (o->changed && !r.changed) continue;
        out += r.url + "\n";
      }
      fmt::print("{}", out);
      context.exit_code = ExitCode::ok;
    } catch (const manifest::ManifestError& e) {
      context.exit_code = report_manifest_error(e, o->file);
    }
  });
}

}  // namespace prerender::cli
