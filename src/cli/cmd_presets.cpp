#include <fmt/format.h>

#include "cli/context.hpp"
#include "manifest/manifest.hpp"
#include "presets/preset_view.hpp"
#include "util/suggest.hpp"

namespace prerender::cli {

void add_presets(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand("presets", "Show presets fully resolved (after extends and defaults)");
  command->footer("Example: prerender presets site.yaml card --json");
  struct Options {
    std::string file;
    std::string name;
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  command->add_option("MANIFEST", options->file, "The manifest (YAML)")->required();
  command->add_option("NAME", options->name, "Only this preset");
  command->add_flag("--json", options->json, "JSON instead of YAML");
  command->callback([&context, options] {
    try {
      const manifest::Manifest manifest = manifest::load_manifest(options->file);
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [name, preset] : manifest.presets)
        if (options->name.empty() || options->name == name) out[name] = presets::to_json(preset);
      if (!options->name.empty() && out.empty()) {
        std::vector<std::string_view> names;
        for (const auto& [name, preset] : manifest.presets) names.push_back(name);
        fmt::print(stderr, "prerender: no preset '{}' in {}{}\n", options->name, options->file,
                   util::did_you_mean(options->name, names));
        context.exit_code = ExitCode::usage;
        return;
      }
      fmt::print("{}", options->json ? out.dump(2) + "\n" : presets::to_yaml(out));
      context.exit_code = ExitCode::ok;
    } catch (const manifest::ManifestError& e) {
      context.exit_code = report_manifest_error(e, options->file);
    }
  });
}

}  // namespace prerender::cli
