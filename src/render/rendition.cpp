#include "render/rendition.hpp"

#include <chrono>
#include <cmath>
#include <fmt/format.h>

#include "presets/format_defaults.hpp"
#include "render/encode.hpp"
#include "render/quality_encode.hpp"
#include "render/resample.hpp"
#include "render/transform.hpp"
#include "render/vips_util.hpp"
#include "util/time.hpp"

namespace prerender::render {

namespace {

bool animates(const Master& master, const RenditionRequest& request) {
  return master.frames > 1 && request.preset->animation == presets::Animation::keep &&
         presets::traits(request.format).can_animate;
}

}  // namespace

bool same_transform(const Master& master, const RenditionRequest& a, const RenditionRequest& b) {
  const presets::Preset& p = *a.preset;
  const presets::Preset& q = *b.preset;
  const bool a_animates = animates(master, a), b_animates = animates(master, b);
  if (a.dpr != b.dpr || a_animates != b_animates) return false;
  if (decode_level(master.info, a) != decode_level(master.info, b)) return false;
  // Whether the output format keeps alpha only matters where there is alpha: in the master, in a
  // transparent background, or in an overlay.
  const bool alpha_matters = master.image.has_alpha() || p.background.a < 255 || p.overlay.has_value();
  if (alpha_matters && presets::traits(a.format).has_alpha != presets::traits(b.format).has_alpha) return false;
  if (a_animates && p.max_frames != q.max_frames) return false;
  return presets::same_pixel_options(p, q);
}

Transformed transform_rendition(const Master& master, const RenditionRequest& request,
                                std::optional<std::pair<double, double>> focus, double max_seconds) {
  const presets::Preset& preset = *request.preset;
  Transformed out;
  const auto start = std::chrono::steady_clock::now();
  const VipsCall call;
  try {
    const Frame frame{preset,      request, focus, master.scale, {master.info.width, master.info.height},
                      max_seconds, master.window};
    vips::VImage image;
    if (animates(master, request)) {
      const int frames = std::min(master.frames, preset.max_frames);
      std::vector<vips::VImage> done;
      done.reserve(frames);
      for (int i = 0; i < frames; ++i)
        done.push_back(transform(
            master.image.extract_area(0, i * master.page_height, master.image.width(), master.page_height), frame));
      image = vips::VImage::arrayjoin(done, vips::VImage::option()->set("across", 1));
      out.width = done.front().width();
      out.height = done.front().height();
      out.frames = frames;
      image = image.copy();
      image.set(VIPS_META_PAGE_HEIGHT, out.height);
      image.set(VIPS_META_N_PAGES, frames);
      if (master.image.get_typeof("delay") != 0) {
        std::vector<int> delay = master.image.get_array_int("delay");
        delay.resize(frames, delay.empty() ? 100 : delay.back());
        image.set("delay", delay);
      }
      if (master.image.get_typeof("loop") != 0) image.set("loop", master.image.get_int("loop"));
    } else {
      vips::VImage first =
          master.frames > 1 ? master.image.extract_area(0, 0, master.image.width(), master.page_height) : master.image;
      image = transform(first, frame);
      if (image.get_typeof(VIPS_META_PAGE_HEIGHT) != 0) {
        image = image.copy();
        image.remove(VIPS_META_PAGE_HEIGHT);
        image.remove(VIPS_META_N_PAGES);
      }
      out.width = image.width();
      out.height = image.height();
    }
    // Renditions of one master may run at once: a transform that changed nothing must not hang the time
    // limit's handler on the shared master.
    if (image.get_image() == master.image.get_image()) image = image.copy();
    // Materialise the transformed pixels once: every encode of them (a budget's bisection, the other
    // formats sharing this transform) reads these.
    stop_after(image, max_seconds);
    out.image = image.copy_memory();
  } catch (const vips::VError& e) {
    throw RenderError(killed_or(first_line(e), max_seconds));
  }
  out.seconds = util::seconds_since(start);
  return out;
}

Rendered encode_rendition(const Transformed& transformed, const RenditionRequest& request, double max_seconds,
                          std::optional<Decision> remembered) {
  const presets::Preset& preset = *request.preset;
  Rendered out;
  out.width = transformed.width;
  out.height = transformed.height;
  out.frames = transformed.frames;
  out.transform_seconds = transformed.seconds;
  const auto start = std::chrono::steady_clock::now();
  const VipsCall call;
  try {
    // A copy of the header, so that the time limit's handler is this encode's own.
    vips::VImage image = transformed.image.copy();
    stop_after(image, max_seconds);
    Chosen encoded = encode_chosen(image, preset, request.format, remembered);
    out.bytes = std::move(encoded.bytes);
    out.quality = encoded.quality;
    out.score = encoded.score;
    out.target_missed = encoded.target_missed;
    out.full_chroma = encoded.full_chroma;
    out.encodes = encoded.encodes;
    out.scores = encoded.scores;
  } catch (const vips::VError& e) {
    throw RenderError(killed_or(first_line(e), max_seconds));
  }
  out.encode_seconds = util::seconds_since(start);
  return out;
}

Rendered render_rendition(const Master& master, const RenditionRequest& request,
                          std::optional<std::pair<double, double>> focus, double max_seconds) {
  return encode_rendition(transform_rendition(master, request, focus, max_seconds), request, max_seconds);
}

}  // namespace prerender::render
