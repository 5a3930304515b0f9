#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "presets/preset.hpp"

namespace prerender::presets {

// The fully resolved preset: every option with its value after `extends` and defaults, and the
// encoder settings each of its formats gets. Keys are sorted, so the text is canonical: it is also
// what a recipe hash is computed from.
nlohmann::json to_json(const Preset& preset);

// Block-style YAML of a JSON value (for `prerender presets`).
std::string to_yaml(const nlohmann::json& value);

}  // namespace prerender::presets
