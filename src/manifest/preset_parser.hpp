#pragma once

#include <filesystem>
#include <string>

#include "manifest/reader.hpp"
#include "manifest/yaml_tree.hpp"
#include "presets/preset.hpp"

namespace prerender::manifest {

// Reads one preset mapping. Every value is type- and range-checked here; problems go to the reader's
// diagnostics and leave the field unset. Relative paths (overlay images) are resolved against `folder`.
presets::PresetSpec parse_preset(const YamlNode& node, const std::string& name, const Reader& reader,
                                 const std::filesystem::path& folder);

// "#rgb", "#rrggbb", "#rrggbbaa" or "transparent".
std::optional<presets::Colour> parse_colour(std::string_view text);

}  // namespace prerender::manifest
