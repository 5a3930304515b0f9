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

// An asset's source at one decode level: upright, in sRGB (or grey), 8 bits per band, `scale` of the
// source's width. Animated sources keep `frames` frames stacked vertically, `page_height` each.
struct Master {
  vips::VImage image;
  SourceInfo info;
  int level = 0;
  double scale = 1;
  int frames = 1;
  int page_height = 0;
  Window window;  // the part of one frame the source covers (render/geometry.hpp)
  Size frame_size() const { return {image.width(), page_height}; }
};

// Decode levels: what a rendition's pixels are derived from. Level 0 is the source at full size, level 1
// at half size (each side rounded up): for a JPEG its shrink-on-load by 2 (a scaled IDCT, for little
// more than the cost of the entropy decoding alone), for any other format a Lanczos-3 halving of the
// full-size decode (streamed when level 0 is not wanted). A rendition needing at most half the size
// uses level 1, any other level 0, and is then resized from it in one Lanczos-3 pass. The level is a
// function of the rendition's own recipe and its source's header only, so its bytes never depend on
// which other renditions are rendered with it; renditions of one level share its decode.
int decode_level(const SourceInfo& info, const RenditionRequest& request);

// How many frames one rendition needs: the animation's (up to the preset's max_frames) when it keeps
// the animation in a format that can animate, else 1.
int frames_for(const SourceInfo& info, const RenditionRequest& request);

// One decode of an asset's source and the levels made from it, for the renditions `requests` indexes
// (into the vector given to plan_decodes).
struct Decode {
  int base = 0;  // the level the decoder itself gives: 0, or 1 (JPEG shrink-on-load)
  int frames = 1;
  std::vector<int> levels;  // ascending, each >= base
  std::vector<std::size_t> requests;
};

// The decodes an asset's renditions need, each once, in a stable order (by base, then frames).
std::vector<Decode> plan_decodes(const SourceInfo& info, const std::vector<RenditionRequest>& requests);

// The decode (base) a level comes from.
int decode_base(const SourceInfo& info, int level);

// The level the asset's metadata (dominant colour, placeholder) is computed from, chosen the same way
// (as for a rendition 64 pixels on its longer side), so that it too never depends on what else is made.
int metadata_level(const SourceInfo& info);

// The size of a level's image, upright, one frame.
Size level_size(const SourceInfo& info, int level);

// Decodes the source once and makes each of `decode.levels` from it: EXIF orientation applied,
// embedded ICC profiles (CMYK with a fallback profile) to sRGB, 8 bits per band. Returns one Master
// per level, in the order of `decode.levels`. Throws RenderError naming the reason.
// Formats beyond the core ones are decoded in a child process (render/isolated.hpp), a child per
// level; the decode is stopped after limits.max_seconds either way.
// The file is read by its descriptor, with the loader the probe chose (info.loader) and no other: when
// libvips would now pick another one for its bytes, nothing is decoded.
std::vector<Master> decode_levels(const util::SourceFile& file, const SourceInfo& info, const Decode& decode,
                                  const manifest::Limits& limits = {}, Isolation isolation = Isolation::automatic);

// One level alone, made as decode_levels makes it, of the file at `path` (opened with open_source()).
Master decode_master(const std::filesystem::path& path, const SourceInfo& info, int level, int frames,
                     const manifest::Limits& limits = {}, Isolation isolation = Isolation::automatic);

// The source size a preset's geometry starts from, after its pre-crop and rotation.
Size effective_source(Size upright, const presets::Preset& preset, std::optional<std::pair<double, double>> focus);

}  // namespace prerender::render
