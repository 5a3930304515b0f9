#include <cstdio>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/context.hpp"
#include "engine/plan.hpp"
#include "manifest/manifest.hpp"
#include "output/path_template.hpp"

namespace prerender::cli {
namespace {

std::string box_text(const engine::PlannedRendition& r) {
  if (!r.box_width && !r.box_height) return "source";
  return fmt::format("{}x{}", r.box_width ? std::to_string(*r.box_width) : "_",
                     r.box_height ? std::to_string(*r.box_height) : "_");
}

}  // namespace

void add_plan(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand("plan", "Show what run would do, one line per rendition, without rendering");
  command->footer(
      "Lines: action asset preset format dpr box path, in priority order (requests descending, then\n"
      "manifest order). Example: prerender plan site.yaml --top 100 --json");
  struct Options {
    std::string file;
    bool json = false;
    SelectionOptions selection;
  };
  auto options = std::make_shared<Options>();
  command->add_option("MANIFEST", options->file, "The manifest (YAML)")->required();
  command->add_flag("--json", options->json, "One JSON object per line instead of text");
  options->selection.add_to(*command);
  command->callback([&context, options] {
    try {
      manifest::Diagnostics diagnostics;
      const manifest::Manifest manifest = manifest::load_manifest(options->file, diagnostics);
      const engine::Plan plan = engine::build_plan(manifest, options->selection.selection(), diagnostics, false);
      diagnostics.throw_if_any();
      std::string out;
      out.reserve(plan.rendition_count() * 96);
      std::size_t failing = 0;
      for (const engine::PlannedAsset& asset : plan.assets) {
        const char* action = asset.source_missing ? "fail" : "render";
        for (const engine::PlannedRendition& r : asset.renditions) {
          failing += asset.source_missing ? 1 : 0;
          if (options->json) {
            nlohmann::json line{{"action", action},
                                {"asset", asset.asset->id},
                                {"preset", r.preset->name},
                                {"format", presets::name(r.format)},
                                {"dpr", r.dpr},
                                {"path", r.path}};
            if (r.box_width) line["width"] = *r.box_width;
            if (r.box_height) line["height"] = *r.box_height;
            if (!manifest.output.base_url.empty()) line["url"] = output::url_for(manifest.output.base_url, r.path);
            if (asset.source_missing) line["reason"] = "source does not exist: " + asset.asset->source_path.string();
            out += line.dump();
            out += '\n';
          } else {
            fmt::format_to(std::back_inserter(out), "{:<6}  {}  {}  {}  {}x  {}  {}{}\n", action, asset.asset->id,
                           r.preset->name, presets::name(r.format), r.dpr, box_text(r), r.path,
                           asset.source_missing ? "  (source does not exist)" : "");
          }
        }
      }
      std::fwrite(out.data(), 1, out.size(), stdout);
      std::fflush(stdout);
      fmt::print(stderr, "plan: {} renditions of {} assets: {} to render, {} failing (source missing)\n",
                 plan.rendition_count(), plan.assets.size(), plan.rendition_count() - failing, failing);
      context.exit_code = ExitCode::ok;
    } catch (const manifest::ManifestError& e) {
      context.exit_code = report_manifest_error(e, options->file);
    }
  });
}

}  // namespace prerender::cli
