#pragma once

#include <string>

#include "presets/preset.hpp"
#include "render/master.hpp"

namespace prerender::render {

// Per-asset metadata for the output manifest, computed once from the decoded image.
struct AssetMetadata {
  int width = 0, height = 0;  // the upright source
  presets::Colour dominant;   // the most common colour (alpha flattened on white)
  presets::Colour text;       // black or white, whichever reads better over `dominant`
  double text_contrast = 0;   // WCAG contrast ratio of text over dominant (always >= 4.5)
  std::string blurhash;       // 4x3 components
};

// Throws RenderError.
AssetMetadata asset_metadata(const Master& master);

}  // namespace prerender::render
