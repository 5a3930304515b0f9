#include "render/estimate.hpp"

#include <algorithm>
#include <cmath>

#include "presets/format_defaults.hpp"
#include "render/quality_sample.hpp"

namespace prerender::render {

// The model was fitted to peak RSS over the process's baseline on the real-photo workload (README
// "Memory"): decoding and encoding do not overlap, so the peak is the decoded image plus the larger of
// the two phases.
std::uint64_t estimate_working_set(const SourceInfo& info, const std::vector<RenditionRequest>& requests) {
  constexpr double k_mib = 1024.0 * 1024.0;
  constexpr double k_metric_bytes_per_pixel = 400;
  const double bands = info.has_alpha ? 4 : 3;
  const double full = static_cast<double>(info.width) * info.height;
  // The asset's decodes run one after the other; each holds its levels while its renditions encode.
  double peak = 0;
  for (const Decode& d : plan_decodes(info, requests)) {
    const double frames = d.frames;
    // Every level from the first one in memory down to the smallest wanted is made (and the ones wanted
    // are kept): a geometric series bounded by 4/3 of the first.
    double masters = 0;
    const int first = d.levels.front() == d.base ? d.base : d.base + 1;
    for (int level = first; level <= d.levels.back(); ++level) {
      const Size size = level_size(info, level);
      masters += static_cast<double>(size.width) * size.height * bands * frames;
    }
    // Decoding: a progressive JPEG holds 16-bit coefficients of the whole image (1.5 samples a pixel at
    // 4:2:0, 3 at 4:4:4) whatever its shrink-on-load; HEIF/AVIF and GIF decode whole frames; the rest
    // stream, costing about 1.25 bytes per pixel decoded (after shrink-on-load).
    double decode = 0;
    if (info.loader.rfind("jpegload", 0) == 0 && info.progressive) {
      decode = full * 2 * (info.full_chroma ? 3 : 1.5);
    } else if (info.loader.rfind("heifload", 0) == 0 || info.loader.rfind("gifload", 0) == 0) {
      decode = full * 4 * frames;
    } else {
      const double shrink = d.base >= 1 ? 2 : 1;
      decode = full / (shrink * shrink) * 1.25;
    }
    // Encoding, one rendition at a time: the transformed pixels plus encoder state; AV1/HEVC encoders
    // carry about 32 MiB of their own whatever the size.
    double encode = 0;
    for (std::size_t i : d.requests) {
      const RenditionRequest& request = requests[i];
      const presets::Preset& p = *request.preset;
      const Size source = effective_source({info.width, info.height}, p, std::nullopt);
      const ResizePlan plan = plan_resize(source, device_pixels(p.resize.width, request.dpr),
                                          device_pixels(p.resize.height, request.dpr), p.resize.fit, p.resize.enlarge);
      const double pixels = static_cast<double>(std::max(plan.scaled.width, plan.output.width)) *
                            std::max(plan.scaled.height, plan.output.height) * frames;
      const bool heavy = request.format == presets::Format::avif || request.format == presets::Format::heic;
      // quality: auto scores each encode with butteraugli, whose float planes (linear, XYB, blurred, at
      // several scales, for the reference and the candidate) took 220 bytes a pixel scored (1280x720,
      // scored whole: 196 MB over a fixed-quality encode); counted on the high side. A large rendition is
      // scored on its sample (render/quality_sample.hpp), whose own copy those 220 bytes cover.
      const int frame_width = std::max(plan.scaled.width, plan.output.width);
      const int frame_height = std::max(plan.scaled.height, plan.output.height);
      const double scored =
          frames == 1 && searched_on_sample(frame_width, frame_height) ? double{k_sample_pixels} : pixels / frames;
      const double metric = presets::auto_quality(p, request.format) ? scored * k_metric_bytes_per_pixel : 0;
      encode = std::max(encode, pixels * 16 + (heavy ? 32 * k_mib : 0) + metric);
    }
    peak = std::max(peak, masters + std::max(decode, encode));
  }
  // 15% headroom: fitted peaks fell from 19% below to 24% above the unscaled model.
  return static_cast<std::uint64_t>((8 * k_mib + peak) * 1.15);
}

}  // namespace prerender::render
