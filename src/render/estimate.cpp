#include "render/estimate.hpp"

#include <algorithm>
#include <cmath>

#include "presets/format_defaults.hpp"

namespace prerender::render {

// The model was fitted to peak RSS over the process's baseline on the real-photo workload (README
// "Memory"): decoding and encoding do not overlap, so the peak is the decoded image plus the larger of
// the two phases.
std::uint64_t estimate_working_set(const SourceInfo& info, const std::vector<RenditionRequest>& requests) {
  constexpr double k_mib = 1024.0 * 1024.0;
  const double scale = master_scale(info, requests);
  const double frames = frames_needed(info, requests);
  const double bands = info.has_alpha ? 4 : 3;
  const double full = static_cast<double>(info.width) * info.height;
  const double master = std::ceil(info.width * scale) * std::ceil(info.height * scale) * bands * frames;
  // Decoding: a progressive JPEG holds 16-bit coefficients of the whole image (1.5 samples a pixel at
  // 4:2:0, 3 at 4:4:4); HEIF/AVIF and GIF decode whole frames; the rest stream, costing about 1.25 bytes
  // per pixel decoded (after shrink-on-load).
  double decode = 0;
  if (info.loader.rfind("jpegload", 0) == 0 && info.progressive) {
    decode = full * 2 * (info.full_chroma ? 3 : 1.5);
  } else if (info.loader.rfind("heifload", 0) == 0 || info.loader.rfind("gifload", 0) == 0) {
    decode = full * 4 * frames;
  } else {
    const double shrink = info.loader.rfind("jpegload", 0) == 0 ? (1.0 / scale >= 16 ? 8 : 1.0 / scale >= 8 ? 4 : 1.0 / scale >= 4 ? 2 : 1) : 1;
    decode = full / (shrink * shrink) * 1.25;
  }
  // Encoding, one rendition at a time: the transformed pixels plus encoder state; AV1/HEVC encoders
  // carry about 32 MiB of their own whatever the size.
  double encode = 0;
  for (const RenditionRequest& request : requests) {
    const presets::Preset& p = *request.preset;
    const Size source = effective_source({info.width, info.height}, p, std::nullopt);
    auto box = [&](std::optional<int> css) {
      return css ? std::optional<int>(std::max(1, static_cast<int>(std::lround(*css * request.dpr)))) : std::nullopt;
    };
    const ResizePlan plan = plan_resize(source, box(p.resize.width), box(p.resize.height), p.resize.fit, p.resize.enlarge);
    const double pixels = static_cast<double>(std::max(plan.scaled.width, plan.output.width)) *
                          std::max(plan.scaled.height, plan.output.height) * frames;
    const bool heavy = request.format == presets::Format::avif || request.format == presets::Format::heic;
    encode = std::max(encode, pixels * 16 + (heavy ? 32 * k_mib : 0));
  }
  // 15% headroom: fitted peaks fell from 19% below to 24% above the unscaled model.
  return static_cast<std::uint64_t>((8 * k_mib + master + std::max(decode, encode)) * 1.15);
}

}  // namespace prerender::render
