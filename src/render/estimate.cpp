#include "render/estimate.hpp"

#include <algorithm>
#include <cmath>

#include "presets/format_defaults.hpp"

namespace prerender::render {

std::uint64_t estimate_working_set(const SourceInfo& info, const std::vector<RenditionRequest>& requests) {
  const double scale = master_scale(info, requests);
  const int frames = frames_needed(info, requests);
  const auto full = static_cast<std::uint64_t>(info.width) * static_cast<std::uint64_t>(info.height);
  const auto master = static_cast<std::uint64_t>(std::ceil(info.width * scale) * std::ceil(info.height * scale)) * 4 *
                      static_cast<std::uint64_t>(frames);
  std::uint64_t loader = 0;
  if (info.loader.rfind("jpegload", 0) == 0 && info.progressive) loader = full * 3;  // 16-bit coefficients, 4:2:0
  else if (info.loader.rfind("heifload", 0) == 0) loader = full * 4;
  else if (info.loader.rfind("gifload", 0) == 0) loader = full * 4 * static_cast<std::uint64_t>(frames);
  std::uint64_t largest_rendition = 0;
  for (const RenditionRequest& request : requests) {
    const presets::Preset& p = *request.preset;
    const Size source = effective_source({info.width, info.height}, p, std::nullopt);
    auto box = [&](std::optional<int> css) {
      return css ? std::optional<int>(std::max(1, static_cast<int>(std::lround(*css * request.dpr)))) : std::nullopt;
    };
    const ResizePlan plan = plan_resize(source, box(p.resize.width), box(p.resize.height), p.resize.fit, p.resize.enlarge);
    const auto pixels = static_cast<std::uint64_t>(std::max(plan.scaled.width, plan.output.width)) *
                        static_cast<std::uint64_t>(std::max(plan.scaled.height, plan.output.height)) *
                        static_cast<std::uint64_t>(frames);
    const bool heavy_encoder = request.format == presets::Format::avif || request.format == presets::Format::heic;
    largest_rendition = std::max(largest_rendition, pixels * (heavy_encoder ? 12 : 6));
  }
  constexpr std::uint64_t k_constant = 8ull << 20;
  return master + loader + largest_rendition + k_constant;
}

}  // namespace prerender::render
