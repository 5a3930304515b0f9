#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <map>
#include <vector>

#include "engine/plan.hpp"
#include "manifest/manifest.hpp"

namespace prerender::engine {

// What a journal says about one asset, summed over its latest lines.
struct KnownCost {
  double seconds = 0;        // the sum of cost_seconds
  std::uint32_t costed = 0;  // lines with a cost_seconds
  std::uint64_t pixels = 0;  // source_width x source_height, from the probe of an earlier run; 0 unknown
  std::uint64_t source_size = 0;
};

// The costs of the assets of a previous run: what every shard of a run balances from. It is read from
// the output root's renditions.jsonl (what an unsharded run or `merge` wrote), never from a shard's own
// journal, so that every shard reads the same file.
struct CostTable {
  std::map<std::string, KnownCost> assets;  // ordered: the fitted factors sum in the same order everywhere
  // An empty table when there is no file. Throws std::runtime_error when the path is a link or not a
  // regular file.
  static CostTable read(const std::filesystem::path& journal);
};

enum class CostBasis : std::uint8_t { measured, pixels, file_size };
std::string_view name(CostBasis basis);

struct AssetEstimate {
  double seconds = 0;
  CostBasis basis = CostBasis::file_size;
};

// The estimated seconds (one worker, wall time) to render each asset in full:
//   measured: the journal's cost_seconds per rendition, averaged over the asset's costed lines, times its
//     planned renditions;
//   pixels: no cost recorded but the journal knows the source's size in pixels: pixels x renditions x the
//     journal's seconds per pixel-rendition;
//   file_size: never rendered here: the source's size in bytes (stat) x renditions x the journal's seconds per
//     byte-rendition. The source's header is not read: for a catalogue that costs a read per asset on
//     every shard.
// The factors are fitted over every asset of the table with both figures (defaults when none has).
std::vector<AssetEstimate> estimate_costs(const std::vector<const PlannedAsset*>& assets, const CostTable& table);

// The cost class of an estimate: classes are a factor of sqrt(2) wide, from 1 ms.
int cost_class(double seconds);

// The shard of every asset (ids[i], seconds[i]), balanced by cost with bounded churn:
//   1. assets are grouped by cost class;
//   2. within a class, ordered by a stable hash of the id, the class is cut at its N quantiles: shard s
//      takes floor(m/N) consecutive assets from rank floor(s*m/N), and the (m mod N) assets left between
//      those runs are kept aside;
//   3. the assets kept aside, most expensive class first (then by rank), each go to the shard with the
//      least seconds so far, counting every asset at its class's central cost.
// A shard depends only on the ids, their classes and N: costs that change within their class move
// nothing. An asset that changes class moves itself, shifts each quantile cut of its two classes by at
// most one asset, and may re-deal the assets kept aside (fewer than N per class). Deterministic: every
// process given the same input gets the same answer.
std::vector<std::uint32_t> balance_shards(const std::vector<std::string_view>& ids, const std::vector<double>& seconds,
                                          std::uint32_t count);
// The hash-only assignment: stable_hash64(id) % count.
std::vector<std::uint32_t> hash_shards(const std::vector<std::string_view>& ids, std::uint32_t count);

struct ShardLoad {
  std::size_t assets = 0, renditions = 0;
  double seconds = 0;  // estimated, one worker
};
struct ShardAssignment {
  std::vector<std::uint32_t> shard_of;  // per asset
  std::vector<AssetEstimate> estimates;
  std::vector<ShardLoad> loads;                         // per shard
  std::size_t measured = 0, pixels = 0, file_size = 0;  // assets by the basis of their estimate
};
ShardAssignment assign_shards(const std::vector<const PlannedAsset*>& assets, const CostTable& table,
                              std::uint32_t count, ShardBy by);

// The assignment of a plan's assets (every shard's: the plan is not a shard's) to `count` shards, with the
// costs read from output.root's renditions.jsonl, as build_plan deals them. Throws std::runtime_error
// when that journal is a link or not a regular file.
ShardAssignment plan_shards(const manifest::Manifest& manifest, const Plan& plan, std::uint32_t count, ShardBy by);

// The costs to record for the renditions one asset rendered together, measured at `measured` seconds each,
// whose previous lines recorded `previous` (0: none): the previous ones while every rendition has one and
// their sum stays within a factor of 1.5 of the measured sum (the asset as a whole, since a small
// rendition's own time is noisier), so that noise does not move assets between classes (and shards);
// else the measured ones. Rounded to 0.1 ms.
std::vector<double> sticky_costs(const std::vector<double>& previous, const std::vector<double>& measured);

}  // namespace prerender::engine
