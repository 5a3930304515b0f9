#pragma once

#include <filesystem>
#include <optional>
#include <vips/vips8>
#include <vector>

#include "manifest/manifest.hpp"
#include "presets/preset.hpp"
#include "render/geometry.hpp"
#include "render/source.hpp"

namespace prerender::render {

// One rendition to derive from an asset's decoded image.
struct RenditionRequest {
  const presets::Preset* preset = nullptr;
  presets::Format format = presets::Format::jpeg;
  double dpr = 1;
};

// An asset's source decoded once: upright, in sRGB (or grey), 8 bits per band, shrunk on load to
// `scale` of the source. Animated sources keep `frames` frames stacked vertically, `page_height` each.
struct Master {
  vips::VImage image;
  SourceInfo info;
  double scale = 1;
  int frames = 1;
  int page_height = 0;
  Size frame_size() const { return {image.width(), page_height}; }
};

// The uniform scale (of the upright source) that covers every request: the largest any rendition needs,
// at most 1 (an enlarging rendition upsamples from the full-size decode). Trim needs the full size,
// since the trimmed content is only known after decoding.
double master_scale(const SourceInfo& info, const std::vector<RenditionRequest>& requests);

// How many frames the asset's renditions need: all (up to a preset's max_frames) when one of them keeps
// the animation in a format that can animate, else 1.
int frames_needed(const SourceInfo& info, const std::vector<RenditionRequest>& requests);

// Decodes the source once with shrink-on-load (libvips thumbnail: it leaves the final resize kernel room
// to keep quality), EXIF orientation applied, embedded ICC profiles (CMYK with a fallback profile) to
// sRGB. Throws RenderError naming the reason.
// Formats beyond the core ones are decoded in a child process (render/isolated.hpp); the decode is
// stopped after limits.max_seconds either way.
Master decode_master(const std::filesystem::path& path, const SourceInfo& info, double scale, int frames,
                     const manifest::Limits& limits = {}, Isolation isolation = Isolation::automatic);

// The source size a preset's geometry starts from, after its pre-crop and rotation.
Size effective_source(Size upright, const presets::Preset& preset, std::optional<std::pair<double, double>> focus);

}  // namespace prerender::render
