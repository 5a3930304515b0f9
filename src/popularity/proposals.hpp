#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "manifest/manifest.hpp"
#include "popularity/counter.hpp"
#include "popularity/popularity_file.hpp"

namespace prerender::popularity {

inline constexpr std::size_t k_max_proposals = 1000;

// What an output path says when it is read through the path template: the asset id and the preset.
struct TemplateMatch {
  std::string asset, preset;
};

// Reads `relative` as an expansion of the manifest's output path template, with {asset} free and every
// other placeholder one of its possible values ({preset} a preset of the manifest, {ext}/{format} a
// format, {dpr} "" or "@2x", {width}/{height} digits). Nothing when it does not match.
std::optional<TemplateMatch> match_template(std::string_view relative, const manifest::Manifest& manifest);

// The unknown paths of the tally whose asset id, read through the template, is the id of an existing
// source file under sources.root that no asset uses (the id plus an image extension, as a glob asset
// would name it): the most requested first, at most k_max_proposals.
std::vector<ProposedAsset> propose_assets(const Tally& tally, const manifest::Manifest& manifest);

}  // namespace prerender::popularity
