#include <cstdio>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/context.hpp"
#include "engine/decisions.hpp"
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

// What --top N leaves to the CDN: the share of the manifest's requests (its own and the popularity file's)
// that the selected assets have.
std::string top_share(const manifest::Manifest& manifest, const engine::Plan& plan, std::size_t top) {
  std::uint64_t total = 0, selected = 0;
  for (const manifest::Asset& asset : manifest.assets) total += asset.requests;
  for (const engine::PlannedAsset& asset : plan.assets) selected += asset.asset->requests;
  if (total == 0) return fmt::format("--top {}: the manifest has no requests (write them with `prerender popularity`)", top);
  return fmt::format("--top {}: {} selected assets have {:.1f}% of the manifest's requests ({} of {})", top,
                     plan.assets.size(), 100.0 * static_cast<double>(selected) / static_cast<double>(total), selected, total);
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
      std::string out;
      out.reserve(plan.rendition_count() * 96);
      const auto visit = [&](const engine::PlannedAsset& asset, const engine::AssetState& decided) {
        for (std::size_t i = 0; i < asset.renditions.size(); ++i) {
          const engine::PlannedRendition& r = asset.renditions[i];
          const engine::Action act = engine::action_of(decided, i);
          const std::string_view action = engine::name(act);
          const engine::QualityDecision quality = engine::quality_decision(decided, asset, i);
          const bool shows_quality = act == engine::Action::render && quality != engine::QualityDecision::fixed;
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
            if (shows_quality) line["quality"] = engine::name(quality);
            out += line.dump();
            out += '\n';
          } else {
            fmt::format_to(std::back_inserter(out), "{:<6}  {}  {}  {}  {}x  {}  {}{}{}\n", action, asset.asset->id,
                           r.preset->name, presets::name(r.format), r.dpr, box_text(r), r.path,
                           shows_quality ? fmt::format("  quality: {}", engine::name(quality)) : "",
                           decided.error.empty() ? "" : "  (" + decided.error + ")");
          }
        }
      };
      // What a run would skip: the journal of this output root (or of this shard).
      const engine::DecisionCounts counts =
          engine::decide_plan(manifest, plan, options->selection.selection().shard, visit);
      std::fwrite(out.data(), 1, out.size(), stdout);
      std::fflush(stdout);
      fmt::print(stderr, "plan: {} renditions of {} assets: {} to render, {} up to date, {} failing (source unreadable)\n",
                 plan.rendition_count(), plan.assets.size(), counts.render, counts.skip, counts.fail);
      if (options->selection.top) fmt::print(stderr, "plan: {}\n", top_share(manifest, plan, *options->selection.top));
      context.exit_code = ExitCode::ok;
    } catch (const manifest::ManifestError& e) {
      context.exit_code = report_manifest_error(e, options->file);
    }
  });
}

}  // namespace prerender::cli
