#include <fmt/format.h>

#include "cli/context.hpp"
#include "engine/decisions.hpp"
#include "manifest/manifest.hpp"

namespace prerender::cli {

void add_urls(CLI::App& app, Context& context) {
  auto* command =
      app.add_subcommand("urls", "List the URLs of rendered renditions, filtered (warm-up and purge lists)");
  command->footer(
      "Reads renditions.jsonl under output.root; most popular first.\n"
      "Example: prerender urls site.yaml --renderer-version 0.1.0   (every URL a bad version made: purge them)\n"
      "         prerender urls site.yaml --changed --preset 'hero*'");
  struct Options {
    std::string file;
    engine::UrlFilter filter;
  };
  auto o = std::make_shared<Options>();
  command->add_option("MANIFEST", o->file, "The manifest (YAML)")->required();
  command->add_option("--preset", o->filter.preset, "Only presets matching this glob");
  command->add_option("--asset", o->filter.asset, "Only assets whose id matches this glob ('*' also matches '/')");
  command->add_option("--renderer-version", o->filter.renderer_version,
                      "Only renditions made by this renderer version");
  command->add_flag("--changed", o->filter.changed, "Only URLs whose bytes changed in the run that last wrote them");
  command->add_flag("--failed", o->filter.failed, "The renditions that failed instead of those present");
  command->callback([&context, o] {
    try {
      const engine::PlannedManifest planned = engine::load_and_plan(o->file, {}, false);
      const std::string out = engine::query_urls(planned.manifest, planned.plan, o->filter);
      fmt::print("{}", out);
      context.exit_code = ExitCode::ok;
    } catch (const manifest::ManifestError& e) {
      context.exit_code = report_manifest_error(e, o->file);
    }
  });
}

}  // namespace prerender::cli
