#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/incremental.hpp"
#include "engine/plan.hpp"
#include "manifest/manifest.hpp"
#include "output/journal.hpp"

namespace prerender::engine {

// What a run would do with one rendition: render it, skip it (up to date), or fail it (its source cannot
// be read).
enum class Action { render, skip, fail };
std::string_view name(Action action);

struct DecisionCounts {
  std::size_t render = 0, skip = 0, fail = 0;
};

// Decides every rendition of `plan` as `run` would, against the journal of its output root (of the shard's
// when `shard` is set; none yet: everything renders), without probing or rendering. `visit` gets each
// asset with its state (AssetState::up_to_date per rendition, `error` when the source cannot be read), in
// priority order. Throws std::runtime_error when the journal cannot be read.
DecisionCounts decide_plan(const manifest::Manifest& manifest, const Plan& plan, std::optional<Shard> shard,
                           const std::function<void(const PlannedAsset&, const AssetState&)>& visit);

// The action of rendition `i` of an asset decided as `state`.
Action action_of(const AssetState& state, std::size_t i);

// How a rendition to render gets its quality: as the preset fixes it, by a search (quality: auto, or a
// max_bytes bisection), or encoded once at the quality an earlier run decided for the same source, recipe
// and renderer.
enum class QualityDecision { fixed, search, remembered };
std::string_view name(QualityDecision decision);
QualityDecision quality_decision(const AssetState& state, const PlannedAsset& asset, std::size_t i);

// Which journal records `urls` lists: those present (or, with `failed`, those that failed), matching
// the globs and the renderer version when given, only changed ones with `changed`.
struct UrlFilter {
  std::string preset, asset, renderer_version;
  bool changed = false, failed = false;
};

// The URLs of the output root's journal matching `filter`, most popular first, one a line. Throws
// util::FatalError when there is no journal yet.
std::string query_urls(const manifest::Manifest& manifest, const Plan& plan, const UrlFilter& filter);

}  // namespace prerender::engine
