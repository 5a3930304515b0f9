#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "manifest/reader.hpp"
#include "presets/preset.hpp"

namespace prerender::manifest {

// `tags:` of a preset or an asset: a list (or one) of cache tags in the grammar of publish/tags.hpp, at most
// publish::k_max_added_tags. Reports every tag that cannot be expressed, with the reason.
std::optional<std::vector<std::string>> read_tags(const Reader& reader, const YamlNode& node, std::string_view what);

// `cache_control:` of a preset: a Cache-Control value, or a mapping {browser, cdn, surrogate} (Cache-Control,
// CDN-Cache-Control, Surrogate-Control).
std::optional<presets::CacheControl> read_cache_control(const Reader& reader, const YamlNode& node,
                                                        std::string_view what);

}  // namespace prerender::manifest
