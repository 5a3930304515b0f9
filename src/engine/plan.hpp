#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "manifest/diagnostics.hpp"
#include "manifest/manifest.hpp"
#include "presets/preset.hpp"

namespace prerender::engine {

struct PlannedRendition {
  const presets::Preset* preset = nullptr;
  presets::Format format = presets::Format::jpeg;
  double dpr = 1;
  std::optional<int> box_width, box_height;  // the target box in device pixels (CSS px x dpr)
  std::string path;                          // relative to the output root
};

struct PlannedAsset {
  const manifest::Asset* asset = nullptr;
  std::vector<PlannedRendition> renditions;
};

struct Shard {
  std::uint32_t index = 0;  // 0-based, as a Kubernetes completion index
  std::uint32_t count = 1;
};

// How assets are dealt to shards: balanced by their estimated cost (engine/balance.hpp), or by a stable
// hash of the id alone.
enum class ShardBy : std::uint8_t { cost, hash };

struct CostTable;

// Which assets a command works on. Applied in this order: only, then top, then shard, so that
// "--top 1000 --shard 0/4" gives each of four shards a quarter of the top 1000.
struct Selection {
  std::optional<std::string> only;  // glob over asset ids; '*' also matches '/'
  std::optional<std::size_t> top;
  std::optional<Shard> shard;
  ShardBy shard_by = ShardBy::cost;
  // The costs to balance by; when null, read from output.root's renditions.jsonl (CostTable::read).
  std::shared_ptr<const CostTable> costs;
};

struct Plan {
  std::vector<PlannedAsset> assets;  // priority order: requests descending, then manifest order
  std::size_t rendition_count() const;
};

// Parses "K/N" with 0 <= K < N. Returns nothing when malformed.
std::optional<Shard> parse_shard(std::string_view text);

// True when the asset id falls into the shard by hash alone (ShardBy::hash: a stable hash of the id, so an
// asset's renditions stay together and every process agrees with no coordination).
bool in_shard(std::string_view asset_id, Shard shard);

// Expands every asset x preset x format x dpr into an output path and checks them all: the template,
// paths escaping the output root, and two renditions on one path (across the whole manifest, whatever
// the selection). Problems go to `diagnostics` with the position of the template or asset; with
// `report_missing_sources`, also every selected asset whose source is not a file (without it, sources are
// looked at only when an asset is decided or rendered: `plan` reports them as "fail").
Plan build_plan(const manifest::Manifest& manifest, const Selection& selection, manifest::Diagnostics& diagnostics,
                bool report_missing_sources);

// A manifest and its plan. The plan points into the manifest (assets, presets), so they travel together;
// moving one keeps those pointers valid (vector and map storage moves with them).
struct PlannedManifest {
  manifest::Manifest manifest;
  Plan plan;
};

// Loads and validates a manifest and plans it, collecting the problems of both (output paths included)
// before stopping once. Throws ManifestError with every problem.
PlannedManifest load_and_plan(const std::filesystem::path& file, const Selection& selection,
                              bool report_missing_sources);

}  // namespace prerender::engine
