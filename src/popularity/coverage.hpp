#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "popularity/ranking.hpp"

namespace prerender::popularity {

struct CoverageLine {
  std::size_t top = 0;                            // the N of "top N assets" (at most the assets with requests)
  double share = 0;                               // of the requests to the manifest's renditions, 0..1
  std::size_t not_up_to_date = 0;                 // of those N assets, how many have a rendition to render
  std::vector<std::string> first_not_up_to_date;  // the most requested of them, at most 5
};

// How much of `total` (the requests mapped to the manifest) the top N assets take, for each N of `tops`
// (sorted, past the ranked assets cut to their number). `up_to_date(plan_index)` says whether every
// rendition of an asset is up to date in the output root.
std::vector<CoverageLine> coverage(const std::vector<AssetCount>& ranked, double total, std::vector<std::size_t> tops,
                                   const std::function<bool(std::uint32_t)>& up_to_date);

// 1234567 -> "1,234,567".
std::string with_commas(std::uint64_t value);

// One line of the report: "top 1,000 assets: 61.8% of image requests; 12 not up to date (a, b, ...)".
std::string describe(const CoverageLine& line);

}  // namespace prerender::popularity
