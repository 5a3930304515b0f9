#include "engine/plan.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <unordered_map>

#include "engine/balance.hpp"
#include "output/path_template.hpp"
#include "render/geometry.hpp"
#include "util/glob.hpp"
#include "util/hash.hpp"
#include "util/readable.hpp"

namespace prerender::engine {

std::size_t Plan::rendition_count() const {
  std::size_t n = 0;
  for (const PlannedAsset& a : assets) n += a.renditions.size();
  return n;
}

std::optional<Shard> parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  Shard shard;
  auto r1 = std::from_chars(text.data(), text.data() + slash, shard.index);
  auto r2 = std::from_chars(text.data() + slash + 1, text.data() + text.size(), shard.count);
  if (r1.ec != std::errc() || r1.ptr != text.data() + slash || r2.ec != std::errc() ||
      r2.ptr != text.data() + text.size() || shard.count == 0 || shard.index >= shard.count)
    return std::nullopt;
  return shard;
}

bool in_shard(std::string_view asset_id, Shard shard) {
  return util::stable_hash64(asset_id) % shard.count == shard.index;
}

namespace {

// Keeps the assets of the selection's shard. Balanced by cost, every shard reads the same costs (the output
// root's renditions.jsonl, which shards do not write) and deals the same selected assets.
void select_shard(const manifest::Manifest& manifest, const Selection& selection, std::vector<PlannedAsset>& selected,
                  manifest::Diagnostics& diagnostics) {
  const Shard shard = *selection.shard;
  if (selection.shard_by == ShardBy::hash) {
    std::erase_if(selected, [&](const PlannedAsset& a) { return !in_shard(a.asset->id, shard); });
    return;
  }
  CostTable read;
  const CostTable* costs = selection.costs.get();
  if (!costs) {
    const std::filesystem::path journal = manifest.output.root / "renditions.jsonl";
    try {
      read = CostTable::read(journal);
    } catch (const std::exception& e) {
      diagnostics.error(manifest.file.string(), {}, fmt::format("--shard: the costs to balance by: {}", e.what()));
    }
    costs = &read;
  }
  std::vector<const PlannedAsset*> assets;
  assets.reserve(selected.size());
  for (const PlannedAsset& a : selected) assets.push_back(&a);
  const std::vector<std::uint32_t> shard_of = assign_shards(assets, *costs, shard.count, ShardBy::cost).shard_of;
  std::vector<PlannedAsset> mine;
  for (std::size_t i = 0; i < selected.size(); ++i)
    if (shard_of[i] == shard.index) mine.push_back(std::move(selected[i]));
  selected = std::move(mine);
}

}  // namespace

namespace {

// A template without {width} or {height} is fine for every preset; one with them needs the preset
// to set that side. Reported once per preset.
void check_size_placeholders(const manifest::Manifest& manifest, const output::PathTemplate& path_template,
                             manifest::Diagnostics& diagnostics) {
  for (const auto& [name, preset] : manifest.presets) {
    for (auto [placeholder, side, present] :
         {std::tuple{output::Placeholder::width, "width", preset.resize.width.has_value()},
          std::tuple{output::Placeholder::height, "height", preset.resize.height.has_value()}}) {
      if (path_template.uses(placeholder) && !present) {
        const auto& at = manifest.preset_at.at(name);
        diagnostics.error(at.file, at.mark,
                          fmt::format("preset '{}' sets no resize.{} but 'output.path' uses {{{}}}", name, side, side));
      }
    }
  }
}

// The asset's renditions: each preset's formats times densities, with their output paths. `path_errors`
// counts the problems (the first ones are reported).
PlannedAsset plan_asset(const manifest::Manifest& manifest, const manifest::Asset* asset,
                        const output::PathTemplate& path_template, manifest::Diagnostics& diagnostics,
                        std::size_t& path_errors) {
  const bool distinguishes_formats =
      path_template.uses(output::Placeholder::format) || path_template.uses(output::Placeholder::ext);
  PlannedAsset planned{asset, {}};
  for (const std::string& preset_name : asset->presets) {
    const presets::Preset& preset = manifest.presets.at(preset_name);
    if (preset.formats.size() > 1 && !distinguishes_formats && path_errors++ < 20) {
      const auto& at = manifest.preset_at.at(preset_name);
      diagnostics.error(
          at.file, at.mark,
          fmt::format("preset '{}' has several formats but 'output.path' has no {{ext}} or {{format}}", preset_name));
    }
    for (presets::Format format : preset.formats) {
      for (double dpr : preset.dpr) {
        PlannedRendition r{&preset,
                           format,
                           dpr,
                           render::device_pixels(preset.resize.width, dpr),
                           render::device_pixels(preset.resize.height, dpr),
                           {}};
        r.path = output::expand(path_template, {asset->id, preset_name, format, dpr, r.box_width, r.box_height});
        if (std::string problem = output::path_problem(r.path); !problem.empty()) {
          if (path_errors++ < 50)
            diagnostics.error(
                asset->at.file, asset->at.mark,
                fmt::format("asset '{}' with preset '{}' writes '{}': {}", asset->id, preset_name, r.path, problem));
          continue;
        }
        planned.renditions.push_back(std::move(r));
      }
    }
  }
  return planned;
}

// Collisions, once every path is known (pointers into plan.assets, and so the keys, are stable from here on).
void report_collisions(const Plan& plan, manifest::Diagnostics& diagnostics, std::size_t& path_errors) {
  std::unordered_map<std::string_view, std::pair<const manifest::Asset*, const PlannedRendition*>> owners;
  owners.reserve(plan.rendition_count());
  for (const PlannedAsset& planned : plan.assets) {
    for (const PlannedRendition& r : planned.renditions) {
      auto [it, inserted] = owners.try_emplace(r.path, planned.asset, &r);
      if (!inserted && path_errors++ < 50) {
        const auto& [other_asset, other] = it->second;
        diagnostics.error(
            planned.asset->at.file, planned.asset->at.mark,
            fmt::format("two renditions write '{}': asset '{}' preset '{}' {} and asset '{}' preset '{}' {}", r.path,
                        other_asset->id, other->preset->name, presets::name(other->format), planned.asset->id,
                        r.preset->name, presets::name(r.format)));
      }
    }
  }
}

// --only, then --top (--shard is dealt by select_shard after them).
std::vector<PlannedAsset> selected_assets(std::vector<PlannedAsset>& assets, const Selection& selection) {
  std::vector<PlannedAsset> selected;
  selected.reserve(assets.size());
  for (PlannedAsset& planned : assets) {
    if (selection.only && !util::glob_match(*selection.only, planned.asset->id)) continue;
    if (selection.top && selected.size() >= *selection.top) break;
    selected.push_back(std::move(planned));
  }
  return selected;
}

void report_missing_sources_of(const std::vector<PlannedAsset>& selected, manifest::Diagnostics& diagnostics) {
  for (const PlannedAsset& planned : selected) {
    const std::string reason = util::unreadable_file_reason(planned.asset->source_path);
    if (reason == "it does not exist")
      diagnostics.error(planned.asset->at.file, planned.asset->at.mark,
                        fmt::format("asset '{}': source '{}' does not exist", planned.asset->id,
                                    planned.asset->source_path.string()));
    else if (!reason.empty())
      diagnostics.error(
          planned.asset->at.file, planned.asset->at.mark,
          fmt::format("asset '{}': source '{}': {}", planned.asset->id, planned.asset->source_path.string(), reason));
  }
}

}  // namespace

Plan build_plan(const manifest::Manifest& manifest, const Selection& selection, manifest::Diagnostics& diagnostics,
                bool report_missing_sources) {
  const auto parsed = output::PathTemplate::parse(manifest.output.path);
  if (const auto* reason = std::get_if<std::string>(&parsed)) {
    diagnostics.error(manifest.output.path_at.file, manifest.output.path_at.mark,
                      fmt::format("'output.path' \"{}\": {}", manifest.output.path, *reason));
    return {};
  }
  const auto& path_template = std::get<output::PathTemplate>(parsed);
  check_size_placeholders(manifest, path_template, diagnostics);

  std::vector<const manifest::Asset*> order;
  order.reserve(manifest.assets.size());
  for (const manifest::Asset& asset : manifest.assets) order.push_back(&asset);
  std::stable_sort(order.begin(), order.end(),
                   [](const manifest::Asset* a, const manifest::Asset* b) { return a->requests > b->requests; });

  Plan plan;
  plan.assets.reserve(order.size());
  std::size_t path_errors = 0;
  for (const manifest::Asset* asset : order)
    plan.assets.push_back(plan_asset(manifest, asset, path_template, diagnostics, path_errors));
  report_collisions(plan, diagnostics, path_errors);
  if (path_errors > 50)
    diagnostics.error(manifest.file.string(), {},
                      fmt::format("{} more output path problems not shown", path_errors - 50));

  std::vector<PlannedAsset> selected = selected_assets(plan.assets, selection);
  if (selection.shard) select_shard(manifest, selection, selected, diagnostics);
  if (report_missing_sources) report_missing_sources_of(selected, diagnostics);
  plan.assets = std::move(selected);
  return plan;
}

PlannedManifest load_and_plan(const std::filesystem::path& file, const Selection& selection,
                              bool report_missing_sources) {
  PlannedManifest out;
  manifest::Diagnostics diagnostics;
  out.manifest = manifest::load_manifest(file, diagnostics);
  out.plan = build_plan(out.manifest, selection, diagnostics, report_missing_sources);
  diagnostics.throw_if_any();
  return out;
}

}  // namespace prerender::engine
