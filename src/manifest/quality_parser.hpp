#pragma once

#include <string_view>

#include "manifest/reader.hpp"
#include "manifest/yaml_tree.hpp"
#include "presets/preset.hpp"

namespace prerender::manifest {

// Reads a preset's `quality`: a whole number from 1 to 100, `auto`, or a mapping
// `{ target: { butteraugli: 1.4 }, min: 40, max: 90 }` (auto with its own target and bounds, each key
// optional). A problem goes to the reader's diagnostics at the value's position and gives nothing.
// `preset` is the preset's name, for messages.
std::optional<presets::Quality> read_quality(const Reader& reader, const YamlNode& node, std::string_view preset);

}  // namespace prerender::manifest
