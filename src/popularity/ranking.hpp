#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "popularity/counter.hpp"

namespace prerender::popularity {

struct AssetCount {
  const manifest::Asset* asset = nullptr;
  std::uint32_t plan_index = 0;  // index into the plan's assets
  double requests = 0;
};

struct PrefixCount {
  std::string prefix;  // the folder of unknown paths ("" for the root)
  double requests = 0;
  std::size_t paths = 0;
};

// Every asset with requests, most requested first (ties: by id, so identical logs give identical files).
std::vector<AssetCount> rank_assets(const Tally& tally, const UrlMap& map);

// The folders of the unknown paths, most requested first, at most `limit`.
std::vector<PrefixCount> top_unknown_prefixes(const Tally& tally, std::size_t limit);

}  // namespace prerender::popularity
