#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "presets/preset.hpp"

namespace prerender::manifest {

// A preset spec from command-line settings: (key, value) pairs with dotted keys for nested options
// ("resize.width" = "800", "format" = "avif,webp", "dpr" = "1,2"). The values go through the same parser
// and checks as a manifest's, so a flag can do nothing a preset cannot. Relative paths resolve against
// the current folder. Throws ManifestError naming "<command line>" and the setting.
presets::PresetSpec parse_inline_preset(const std::vector<std::pair<std::string, std::string>>& settings);

// Format and option problems of a resolved preset (as validation reports them for a manifest's).
std::vector<std::string> preset_problems(const presets::Preset& preset);

}  // namespace prerender::manifest
