#include <fmt/format.h>

#include "cli/context.hpp"
#include "engine/merge.hpp"
#include "manifest/manifest.hpp"
#include "util/error.hpp"

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

}  // namespace prerender::cli
