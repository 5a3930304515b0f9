#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prerender::report {

// Why a rendition does not match its approved reference.
enum class Finding {
  render_error,       // the rendition could not be rendered
  missing_reference,  // no reference at its path
  unreadable_reference,
  format,           // the reference holds another format
  dimensions,       // another width, height or frame count
  difference,       // perceptual difference over the preset's check.max_difference
  bytes,            // over max_bytes, or a size change over check.max_bytes_change
  extra_reference,  // a reference no rendition of the manifest writes
};
std::string_view name(Finding finding);

struct Problem {
  Finding finding = Finding::difference;
  std::string message;
};

// An image as a report page embeds it.
struct ShownImage {
  std::string mime;
  std::string bytes;
};

// One rendition compared with its reference (or one extra reference: asset and preset empty).
struct RenditionCheck {
  std::string asset, preset, format, path;
  double dpr = 1;

  bool rendered = false;  // the new output, when it rendered
  int width = 0, height = 0, frames = 1, quality = 0;
  std::uint64_t bytes = 0;
  std::optional<double> butteraugli;  // quality: auto's score of the new output (its journal's `score`)
  bool full_chroma = false;           // and whether it took 4:4:4 chroma (`full_chroma`)

  bool has_reference = false;
  std::string reference_format;
  int reference_width = 0, reference_height = 0, reference_frames = 1;
  std::uint64_t reference_bytes = 0;
  // The quality the reference was encoded at, when it can be known: the new output's for identical
  // bytes, else read from a JPEG's quantization tables (render/jpeg_quality.hpp). Other formats do not
  // record it.
  std::optional<int> reference_quality;

  bool identical = false;            // byte for byte
  std::optional<double> difference;  // 1 - mean SSIM, when both decoded at one size
  double max_difference = 0, max_bytes_change = 0;
  std::optional<std::uint64_t> max_bytes;
  double seconds = 0;  // rendering (its own share) and comparing

  std::vector<Problem> problems;  // none: it matches

  // For the HTML report, failures only.
  std::optional<ShownImage> reference_image, new_image, heat_map;

  bool passed() const { return problems.empty(); }
  bool has(Finding finding) const;
  // The finding it is filed under: the most serious it has (enum order). Only for a failing rendition.
  Finding primary() const;
  // Its problems' messages, joined with "; ".
  std::string problems_text() const;
};

// What `check --update` changed in the reference folder.
struct UpdateSummary {
  std::vector<std::string> added, removed;
  std::vector<const RenditionCheck*> changed;
  std::size_t unchanged = 0;
};

struct CheckResult {
  std::string manifest, golden;
  std::string renderer_version, libvips_version;
  std::vector<RenditionCheck> renditions;  // plan order, then extra references by path
  std::optional<UpdateSummary> update;
  double seconds = 0;
  int signal = 0;  // SIGINT/SIGTERM stopped the rendering: nothing was compared or updated

  std::size_t count_passed() const;
  std::size_t count(Finding finding) const;  // renditions with that finding
  std::size_t count_failed() const;          // renditions with any finding
  // Renditions that rendered and have a reference but do not match it (format, size, difference, bytes).
  std::size_t count_differing() const;
};

}  // namespace prerender::report
