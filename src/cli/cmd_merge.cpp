#include <fmt/format.h>

#include "cli/context.hpp"
#include "cli/store.hpp"
#include "engine/merge.hpp"
#include "engine/store_state.hpp"
#include "output/root.hpp"
#include "manifest/manifest.hpp"
#include "util/error.hpp"

namespace prerender::cli {

void add_merge(CLI::App& app, Context& context) {
  auto* command =
      app.add_subcommand("merge", "Combine the journals of shard runs into renditions.jsonl, urls.txt and changed.txt");
  command->footer(
      "Run after every `prerender run MANIFEST --shard K/N` has finished. With output.root s3://..., the shard\n"
      "journals are read from the store's .prerender/ and the merged files written back there.\nExample: prerender "
      "merge site.yaml");
  auto file = std::make_shared<std::string>();
  auto lock = std::make_shared<LockOptions>();
  auto state = std::make_shared<std::string>();
  auto shards = std::make_shared<int>(0);
  command->add_option("MANIFEST", *file, "The manifest (YAML)")->required();
  lock->add_to(*command);
  command->add_option("--state", *state, k_state_help);
  command
      ->add_option("--shards", *shards,
                   "With output.root s3://...: read the journals of shards 0..N-1 by name instead of listing the store")
      ->check(CLI::Range(1, 100000));
  command->callback([&context, file, lock, state, shards] {
    try {
      engine::PlannedManifest planned = engine::load_and_plan(*file, {}, false);
      const StoreScope scope(planned.manifest, *state);
      if (scope.store()) {
        const output::OutputRoot root(planned.manifest.output.root);
        engine::fetch_shard_journals(*scope.store(), root, *shards);
      }
      const engine::MergeResult result = engine::merge_shards(planned.manifest, planned.plan, lock->wait_seconds());
      if (scope.store()) {
        const output::OutputRoot root(planned.manifest.output.root);
        for (const char* name : {"renditions.jsonl", "urls.txt", "changed.txt"})
          engine::upload_state_file(*scope.store(), root, name);
      }
      fmt::print("merged {} shard journals: {} renditions, {} changed\n", result.shards, result.records,
                 result.changed);
      if (result.removed > 0)
        fmt::print("{} renditions no longer in the manifest: left out of urls.txt, their files left on disk\n",
                   result.removed);
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
