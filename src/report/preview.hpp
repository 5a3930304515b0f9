#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "report/check_result.hpp"

namespace prerender::report {

struct PreviewRendition {
  std::string preset, format, path;
  double dpr = 1;
  enum class State { shown, failed, not_rendered } state = State::not_rendered;
  int width = 0, height = 0, quality = 0;
  std::optional<double> score = {};  // quality: auto's butteraugli 3-norm
  bool full_chroma = false;          // and whether it took 4:4:4 chroma
  std::uint64_t bytes = 0;
  std::string error;                // failed: why; shown without an image: why it cannot be shown
  std::optional<ShownImage> image;  // as a browser shows it
};

struct PreviewAsset {
  std::string id, source;
  int source_width = 0, source_height = 0;
  std::string dominant_color, text_color;  // "#rrggbb", empty when unknown
  std::vector<PreviewRendition> renditions;
};

struct Preview {
  std::string manifest;
  std::string origin;  // where the images come from: the output root, or "rendered now"
  std::string renderer_version, libvips_version;
  std::vector<PreviewAsset> assets;
};

// One self-contained HTML page (images inline): per asset, its renditions side by side with preset,
// format, dimensions, bytes and the quality the encoder used, each image at its own size (small ones
// zoomed by a whole factor, large ones in a scrolling pane); failures with their reason.
std::string preview_html(const Preview& preview);

}  // namespace prerender::report
