#pragma once

#include <string>
#include <vips/vips8>

#include "presets/format_defaults.hpp"

namespace prerender::render {

// Whether encode_avif handles these settings (8-bit, and no EXIF to keep); libvips' heifsave does the rest.
bool avif_direct_supported(const presets::EncodeSettings& settings, const presets::Keep& keep);

// AVIF through libheif directly, for the one setting libvips 8.14 does not expose: the encoder's thread
// count, pinned to 1 (libheif's aom default is 4 per encode, which oversubscribes the cores when the task
// graph already runs one encode per core). sRGB is signalled with an nclx box. Throws RenderError.
std::string encode_avif(const vips::VImage& image, const presets::EncodeSettings& settings, const presets::Keep& keep);

}  // namespace prerender::render
