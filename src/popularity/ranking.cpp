#include "popularity/ranking.hpp"

#include <algorithm>
#include <map>

namespace prerender::popularity {

std::vector<AssetCount> rank_assets(const Tally& tally, const UrlMap& map) {
  const engine::Plan& plan = map.plan();
  std::vector<double> per_asset(plan.assets.size(), 0.0);
  for (std::size_t i = 0; i < map.size(); ++i)
    per_asset[map.entry(static_cast<std::uint32_t>(i)).asset] += tally.per_entry[i];
  std::vector<AssetCount> out;
  for (std::uint32_t a = 0; a < per_asset.size(); ++a)
    if (per_asset[a] > 0) out.push_back({plan.assets[a].asset, a, per_asset[a]});
  std::sort(out.begin(), out.end(), [](const AssetCount& x, const AssetCount& y) {
    return x.requests != y.requests ? x.requests > y.requests : x.asset->id < y.asset->id;
  });
  return out;
}

std::vector<PrefixCount> top_unknown_prefixes(const Tally& tally, std::size_t limit) {
  std::map<std::string, PrefixCount> by_prefix;  // ordered: ties come out the same every time
  for (const auto& [path, requests] : tally.unknown) {
    const std::size_t slash = path.rfind('/');
    const std::string prefix = slash == std::string::npos ? "" : path.substr(0, slash + 1);
    PrefixCount& p = by_prefix[prefix];
    p.prefix = prefix;
    p.requests += requests;
    ++p.paths;
  }
  std::vector<PrefixCount> out;
  out.reserve(by_prefix.size());
  for (auto& [prefix, count] : by_prefix) out.push_back(std::move(count));
  std::stable_sort(out.begin(), out.end(),
                   [](const PrefixCount& x, const PrefixCount& y) { return x.requests > y.requests; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace prerender::popularity
