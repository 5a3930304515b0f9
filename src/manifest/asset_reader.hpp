#pragma once

#include <string_view>
#include <vector>

#include "manifest/manifest.hpp"
#include "manifest/reader.hpp"
#include "manifest/yaml_tree.hpp"

namespace prerender::manifest {

// Reads one entry of `assets` into `out`: a glob source gives one asset per matching file under
// `manifest.sources_root`. An entry with a problem adds nothing (every problem is reported).
void read_asset(const YamlNode& node, const Reader& reader, const Manifest& manifest,
                const std::vector<std::string_view>& preset_names, std::vector<Asset>& out);

}  // namespace prerender::manifest
