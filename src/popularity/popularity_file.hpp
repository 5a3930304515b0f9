#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "popularity/counter.hpp"
#include "popularity/ranking.hpp"

namespace prerender::popularity {

// A source that popular URLs ask for, that exists under sources.root, but that no asset names.
struct ProposedAsset {
  std::string id;
  std::string source;                // relative to sources.root
  std::vector<std::string> presets;  // the presets its URLs name
  double requests = 0;
};

// The popularity file a manifest reads with `popularity: FILE` (README "Popularity"): YAML, `version: 1`,
// a `summary` of what was counted, `requests` (asset id: requests, most requested first) and, with
// --add-assets, `proposed_assets` (entries to copy into `assets:`; a manifest never renders them by itself).
// A function of the counts alone (no time of writing, no log names): identical logs give identical bytes.
std::string popularity_yaml(const Tally& tally, const std::vector<AssetCount>& ranked, const CountOptions& options,
                            const std::vector<ProposedAsset>& proposed);

// A text as a YAML double-quoted scalar.
std::string yaml_quote(std::string_view text);

}  // namespace prerender::popularity
