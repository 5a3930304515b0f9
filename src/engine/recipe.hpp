#pragma once

#include <optional>
#include <string>

#include "manifest/manifest.hpp"
#include "presets/preset.hpp"

namespace prerender::engine {

// The recipe hash of one rendition: the canonical resolved preset, format, dpr, the asset's focal point,
// the overlay image's content, and the renderer and libvips versions. Whatever changes a rendition's
// bytes is in it; nothing that does not (the check tolerance) is.
std::string recipe_hash(const presets::Preset& preset, presets::Format format, double dpr,
                        const std::optional<manifest::Focus>& focus, const std::string& overlay_hash);

}  // namespace prerender::engine
