#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/context.hpp"
#include "engine/balance.hpp"
#include "engine/decisions.hpp"
#include "engine/plan.hpp"
#include "manifest/manifest.hpp"
#include "output/path_template.hpp"
#include "util/error.hpp"

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
  if (total == 0)
    return fmt::format("--top {}: the manifest has no requests (write them with `prerender popularity`)", top);
  return fmt::format("--top {}: {} selected assets have {:.1f}% of the manifest's requests ({} of {})", top,
                     plan.assets.size(), 100.0 * static_cast<double>(selected) / static_cast<double>(total), selected,
                     total);
}

// Every shard's assets and estimated seconds: the plan's assets dealt to `count` shards as `run --shard`
// would (`plan` is the plan of every shard). Throws util::FatalError when the costs cannot be read.
engine::ShardAssignment shards_of(const engine::PlannedManifest& planned, const engine::Plan& plan, std::uint32_t count,
                                  engine::ShardBy by) {
  try {
    return engine::plan_shards(planned.manifest, plan, count, by);
  } catch (const std::exception& e) {
    throw util::FatalError(fmt::format("the costs to balance shards by: {}", e.what()));
  }
}

std::string balance_line(const engine::ShardAssignment& a, engine::ShardBy by) {
  double slowest = 0, total = 0;
  for (const engine::ShardLoad& load : a.loads) {
    slowest = std::max(slowest, load.seconds);
    total += load.seconds;
  }
  const double mean = a.loads.empty() ? 0 : total / static_cast<double>(a.loads.size());
  return fmt::format(
      "{} shards by {}: slowest {:.1f} s, mean {:.1f} s ({:.2f}x), one worker; estimates: {} measured, "
      "{} from pixels, {} from file size",
      a.loads.size(), by == engine::ShardBy::cost ? "cost" : "hash", slowest, mean, mean > 0 ? slowest / mean : 1.0,
      a.measured, a.pixels, a.file_size);
}

std::string shard_table(const engine::ShardAssignment& a, bool json) {
  std::string out = json ? "" : "shard     assets  renditions  est. seconds\n";
  for (std::size_t k = 0; k < a.loads.size(); ++k) {
    const engine::ShardLoad& load = a.loads[k];
    if (json)
      out += nlohmann::json{{"shard", fmt::format("{}/{}", k, a.loads.size())},
                            {"assets", load.assets},
                            {"renditions", load.renditions},
                            {"seconds", std::round(load.seconds * 1000) / 1000}}
                 .dump() +
             "\n";
    else
      out += fmt::format("{:<8}  {:>6}  {:>10}  {:>12.1f}\n", fmt::format("{}/{}", k, a.loads.size()), load.assets,
                         load.renditions, load.seconds);
  }
  return out;
}

// --shards N alone: the table on stdout, the balance on stderr.
void print_overview(const engine::PlannedManifest& planned, engine::ShardBy by, std::uint32_t count, bool json) {
  const engine::ShardAssignment shards = shards_of(planned, planned.plan, count, by);
  fmt::print("{}", shard_table(shards, json));
  std::fflush(stdout);
  fmt::print(stderr, "plan: {}\n", balance_line(shards, by));
}

// --shard K/N: this shard's estimate, among the others' (dealt from the plan without the shard).
void print_shard(const engine::PlannedManifest& planned, const engine::Selection& selection) {
  manifest::Diagnostics unused;  // planned once already, without problems
  engine::Selection unsharded = selection;
  unsharded.shard.reset();
  const engine::Plan every = engine::build_plan(planned.manifest, unsharded, unused, false);
  const engine::ShardAssignment shards = shards_of(planned, every, selection.shard->count, selection.shard_by);
  fmt::print(stderr, "plan: shard {}/{}: {} assets, estimated {:.1f} s on one worker; {}\n", selection.shard->index,
             selection.shard->count, planned.plan.assets.size(), shards.loads[selection.shard->index].seconds,
             balance_line(shards, selection.shard_by));
}

// One rendition's line: JSON or text.
void append_line(std::string& out, const manifest::Manifest& manifest, const engine::PlannedAsset& asset,
                 const engine::AssetState& decided, std::size_t i, bool json) {
  const engine::PlannedRendition& r = asset.renditions[i];
  const engine::Action act = engine::action_of(decided, i);
  const std::string_view action = engine::name(act);
  const engine::QualityDecision quality = engine::quality_decision(decided, asset, i);
  const bool shows_quality = act == engine::Action::render && quality != engine::QualityDecision::fixed;
  if (json) {
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

struct PlanOptions {
  std::string file;
  bool json = false;
  SelectionOptions selection;
};

ExitCode run_plan(const PlanOptions& options) {
  // --shards N without --shard: the overview of every shard.
  SelectionOptions chosen = options.selection;
  const std::uint32_t overview = chosen.shard ? 0 : chosen.shards.value_or(0);  // 0: no overview
  if (overview > 0) chosen.shards.reset();
  const engine::Selection selection = chosen.selection();
  const engine::PlannedManifest planned = engine::load_and_plan(options.file, selection, false);
  if (overview > 0) {
    print_overview(planned, selection.shard_by, overview, options.json);
    return ExitCode::ok;
  }
  const manifest::Manifest& manifest = planned.manifest;
  const engine::Plan& plan = planned.plan;
  std::string out;
  out.reserve(plan.rendition_count() * 96);
  const auto visit = [&](const engine::PlannedAsset& asset, const engine::AssetState& decided) {
    for (std::size_t i = 0; i < asset.renditions.size(); ++i)
      append_line(out, manifest, asset, decided, i, options.json);
  };
  // What a run would skip: the journal of this output root (or of this shard).
  const engine::DecisionCounts counts = engine::decide_plan(manifest, plan, selection.shard, visit);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  fmt::print(stderr, "plan: {} renditions of {} assets: {} to render, {} up to date, {} failing (source unreadable)\n",
             plan.rendition_count(), plan.assets.size(), counts.render, counts.skip, counts.fail);
  if (options.selection.top) fmt::print(stderr, "plan: {}\n", top_share(manifest, plan, *options.selection.top));
  if (selection.shard) print_shard(planned, selection);
  return ExitCode::ok;
}

}  // namespace

void add_plan(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand("plan", "Show what run would do, one line per rendition, without rendering");
  command->footer(
      "Lines: action (render, skip = up to date, fail = source unreadable) asset preset format dpr box path,\n"
      "in priority order (requests descending, then manifest order).\n"
      "With --shard, the shard's estimated seconds; with --shards N alone, a table of every shard instead.\n"
      "Example: prerender plan site.yaml --top 100 --json");
  auto options = std::make_shared<PlanOptions>();
  command->add_option("MANIFEST", options->file, "The manifest (YAML)")->required();
  command->add_flag("--json", options->json, "One JSON object per line instead of text");
  options->selection.add_to(*command);
  command->callback([&context, options] {
    try {
      context.exit_code = run_plan(*options);
    } catch (const manifest::ManifestError& e) {
      context.exit_code = report_manifest_error(e, options->file);
    }
  });
}

}  // namespace prerender::cli
