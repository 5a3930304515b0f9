#include <fmt/format.h>

#include "cli/context.hpp"
#include "engine/plan.hpp"
#include "manifest/manifest.hpp"

namespace prerender::cli {

void add_validate(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand(
      "validate", "Check a manifest: keys, types, values, presets, output paths and that every source exists");
  command->footer("Example: prerender validate site.yaml\nExit 0 when valid, 2 with every problem as file:line:col.");
  auto file = std::make_shared<std::string>();
  command->add_option("MANIFEST", *file, "The manifest (YAML)")->required();
  command->callback([&context, file] {
    try {
      const engine::PlannedManifest planned = engine::load_and_plan(*file, {}, true);
      const manifest::Manifest& manifest = planned.manifest;
      const engine::Plan& plan = planned.plan;
      fmt::print("{}: valid: {} assets, {} presets, {} renditions\n", *file, manifest.assets.size(),
                 manifest.presets.size(), plan.rendition_count());
      context.exit_code = ExitCode::ok;
    } catch (const manifest::ManifestError& e) {
      context.exit_code = report_manifest_error(e, *file);
    }
  });
}

}  // namespace prerender::cli
