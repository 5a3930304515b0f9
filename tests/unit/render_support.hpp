#pragma once

#include <string>
#include <utility>
#include <vector>
#include <vips/vips8>

#include "manifest/inline_preset.hpp"
#include "presets/preset.hpp"
#include "render/asset.hpp"
#include "render/master.hpp"
#include "render/rendition.hpp"
#include "render/source.hpp"
#include "test_support.hpp"

namespace prerender::test {

using Settings = std::vector<std::pair<std::string, std::string>>;

inline presets::Preset preset_of(const Settings& settings) {
  return presets::resolve("test", manifest::parse_inline_preset(settings));
}

// Renders the first format at the first dpr of the preset, as `run` would (render/asset.hpp).
inline render::Rendered render_file(const std::filesystem::path& file, const Settings& settings,
                                    std::optional<std::pair<double, double>> focus = {}) {
  const presets::Preset preset = preset_of(settings);
  const render::SourceInfo info = render::probe_source(file, manifest::Limits{});
  const render::AssetJob job{
      render::open_source(file), info, {{&preset, preset.formats.front(), preset.dpr.front()}}, focus, {}};
  render::RenditionResult out;
  render::render_asset(job, render::Metadata::no, render::serial_for,
                       [&](std::size_t, render::RenditionResult&& result) { out = std::move(result); });
  if (!out.error.empty()) throw render::RenderError(out.error);
  return std::move(out.rendered);
}

inline vips::VImage decode(const std::string& bytes, const char* options = "") {
  return vips::VImage::new_from_buffer(bytes.data(), bytes.size(), options).copy_memory();
}

// Mean absolute difference per band value (0..255) of two 8-bit sRGB images of one size.
inline double mean_difference(const vips::VImage& a, const vips::VImage& b) {
  auto rgb = [](vips::VImage i) {
    if (i.has_alpha()) i = i.flatten();
    if (i.bands() < 3) i = i.colourspace(VIPS_INTERPRETATION_sRGB);
    return i.cast(VIPS_FORMAT_FLOAT);
  };
  return (rgb(a) - rgb(b)).abs().avg();
}

// Clears and returns the libvips warnings seen so far (for tests of broken files, which warn by design).
inline std::vector<std::string> take_warnings() {
  std::vector<std::string> out;
  out.swap(unexpected_warnings());
  return out;
}

}  // namespace prerender::test
