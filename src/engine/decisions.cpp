#include "engine/decisions.hpp"

#include <filesystem>

#include "engine/merge.hpp"
#include "engine/run.hpp"
#include "output/journal_index.hpp"
#include "util/error.hpp"
#include "util/glob.hpp"

namespace prerender::engine {

std::string_view name(Action action) {
  switch (action) {
    case Action::render: return "render";
    case Action::skip: return "skip";
    case Action::fail: return "fail";
  }
  return "render";
}

Action action_of(const AssetState& state, std::size_t i) {
  if (!state.error.empty()) return Action::fail;
  return state.up_to_date[i] ? Action::skip : Action::render;
}

std::string_view name(QualityDecision decision) {
  switch (decision) {
    case QualityDecision::fixed: return "fixed";
    case QualityDecision::search: return "search";
    case QualityDecision::remembered: return "remembered";
  }
  return "fixed";
}

QualityDecision quality_decision(const AssetState& state, const PlannedAsset& asset, std::size_t i) {
  const PlannedRendition& r = asset.renditions[i];
  if (!decides_quality(*r.preset, r.format)) return QualityDecision::fixed;
  return remembers_quality(state.previous[i], state.source_hash, state.recipes[i]) ? QualityDecision::remembered
                                                                                   : QualityDecision::search;
}

DecisionCounts decide_plan(const manifest::Manifest& manifest, const Plan& plan, std::optional<Shard> shard,
                           const std::function<void(const PlannedAsset&, const AssetState&)>& visit) {
  const output::JournalSnapshot previous =
      output::JournalSnapshot::open(RunFiles::of(manifest.output.root, shard).journal);
  std::optional<output::JournalSnapshot> merged;  // a shard also reads the merged journal, as its run does
  if (shard) merged.emplace(output::JournalSnapshot::open(RunFiles::of(manifest.output.root, std::nullopt).journal));
  const IncrementalState state(manifest, *previous.index, merged ? merged->index.get() : nullptr);
  DecisionCounts counts;
  for (const PlannedAsset& asset : plan.assets) {
    const AssetState decided = state.decide(asset, false);
    for (std::size_t i = 0; i < asset.renditions.size(); ++i) switch (action_of(decided, i)) {
        case Action::render: ++counts.render; break;
        case Action::skip: ++counts.skip; break;
        case Action::fail: ++counts.fail; break;
      }
    visit(asset, decided);
  }
  return counts;
}

std::string query_urls(const manifest::Manifest& manifest, const Plan& plan, const UrlFilter& filter) {
  const auto journal = manifest.output.root / "renditions.jsonl";
  std::error_code journal_error;
  if (!std::filesystem::exists(journal, journal_error))
    throw util::FatalError("no " + journal.string() + " yet: run (or merge) first");
  std::string out;
  for (const output::RenditionRecord& r : records_in_priority_order(output::Journal::read(journal), plan)) {
    if ((r.status == output::Status::failed) != filter.failed) continue;
    if (!filter.preset.empty() && !util::glob_match(filter.preset, r.preset)) continue;
    if (!filter.asset.empty() && !util::glob_match(filter.asset, r.asset)) continue;
    if (!filter.renderer_version.empty() && r.renderer_version != filter.renderer_version) continue;
    if (filter.changed && !r.changed) continue;
    out += r.url + "\n";
  }
  return out;
}

}  // namespace prerender::engine
