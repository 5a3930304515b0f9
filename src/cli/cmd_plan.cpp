#include <cstdio>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/context.hpp"
#include "engine/incremental.hpp"
#include "engine/plan.hpp"
#include "engine/run.hpp"
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
      "Lines: action (render, skip = up to date, fail = source unreadable) asset preset format dpr box path,\n"
      "in priority order (requests descending, then manifest order).\n"
      "Example: prerender plan site.yaml --top 100 --json");
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
      const engine::PlannedManifest planned = engine::load_and_plan(options->file, options->selection.selection(), false);
      const manifest::Manifest& manifest = planned.manifest;
      const engine::Plan& plan = planned.plan;
      // What a run would skip: the journal of this output root (or of this shard).
      const auto journal = engine::RunFiles::of(manifest.output.root, options->selection.selection().shard).journal;
      const output::JournalSnapshot previous = output::JournalSnapshot::open(journal);
      const engine::IncrementalState state(manifest, *previous.index);
      std::string out;
      out.reserve(plan.rendition_count() * 96);
      std::size_t failing = 0, skipping = 0;
      for (const engine::PlannedAsset& asset : plan.assets) {
        const engine::AssetState decided = state.decide(asset, false);
        for (std::size_t i = 0; i < asset.renditions.size(); ++i) {
          const engine::PlannedRendition& r = asset.renditions[i];
          const char* action = !decided.error.empty() ? "fail" : decided.up_to_date[i] ? "skip" : "render";
          failing += decided.error.empty() ? 0 : 1;
          skipping += decided.up_to_date[i] ? 1 : 0;
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
            if (!decided.error.empty()) line["reason"] = decided.error;
            out += line.dump();
            out += '\n';
          } else {
            fmt::format_to(std::back_inserter(out), "{:<6}  {}  {}  {}  {}x  {}  {}{}\n", action, asset.asset->id,
                           r.preset->name, presets::name(r.format), r.dpr, box_text(r), r.path,
                           decided.error.empty() ? "" : "  (" + decided.error + ")");
          }
        }
      }
      std::fwrite(out.data(), 1, out.size(), stdout);
      std::fflush(stdout);
      fmt::print(stderr, "plan: {} renditions of {} assets: {} to render, {} up to date, {} failing (source unreadable)\n",
                 plan.rendition_count(), plan.assets.size(), plan.rendition_count() - failing - skipping, skipping, failing);
      context.exit_code = ExitCode::ok;
    } catch (const manifest::ManifestError& e) {
      context.exit_code = report_manifest_error(e, options->file);
    }
  });
}

}  // namespace prerender::cli
