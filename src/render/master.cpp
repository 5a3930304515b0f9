#include "render/master.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <vector>

#include "presets/format_defaults.hpp"
#include "render/isolated.hpp"
#include "render/resample.hpp"
#include "render/sniff.hpp"
#include "render/vips_util.hpp"

namespace prerender::render {

Size effective_source(Size upright, const presets::Preset& preset, std::optional<std::pair<double, double>> focus) {
  Size size = upright;
  if (preset.crop && preset.crop->region) {
    const presets::Region& r = *preset.crop->region;
    size = {std::max(1, static_cast<int>(std::lround(r.width * upright.width))),
            std::max(1, static_cast<int>(std::lround(r.height * upright.height)))};
  } else if (preset.crop && preset.crop->aspect) {
    const Box box = aspect_crop(upright, *preset.crop->aspect, preset.resize.gravity, focus);
    size = {box.width, box.height};
  }
  if (preset.rotate == 90 || preset.rotate == 270) std::swap(size.width, size.height);
  return size;
}

double master_scale(const SourceInfo& info, const std::vector<RenditionRequest>& requests) {
  double scale = 0;
  for (const RenditionRequest& request : requests) {
    const presets::Preset& p = *request.preset;
    if (p.trim) return 1.0;
    const Size source = effective_source({info.width, info.height}, p, std::nullopt);
    auto box = [&](std::optional<int> css) {
      return css ? std::optional<int>(std::max(1, static_cast<int>(std::lround(*css * request.dpr)))) : std::nullopt;
    };
    const ResizePlan plan = plan_resize(source, box(p.resize.width), box(p.resize.height), p.resize.fit, p.resize.enlarge);
    scale = std::max(scale, needed_scale(plan));
  }
  return std::clamp(scale, 1e-6, 1.0);
}

int frames_needed(const SourceInfo& info, const std::vector<RenditionRequest>& requests) {
  int frames = 1;
  for (const RenditionRequest& request : requests)
    if (request.preset->animation == presets::Animation::keep && presets::traits(request.format).can_animate)
      frames = std::max(frames, std::min(info.frames, request.preset->max_frames));
  return frames;
}

namespace {

// JPEG shrink-on-load (a scaled IDCT) by 2 is a clean low-pass, so it is used whenever the decode stays
// at or above the size needed; by 4 and 8 it approaches block averaging, so those leave the final lanczos3
// reduce at least a factor of two, as libvips' thumbnail does.
int jpeg_shrink(double scale) {
  const double factor = 1.0 / scale;
  return factor >= 16 ? 8 : factor >= 8 ? 4 : factor >= 2 ? 2 : 1;
}

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

// Decodes with shrink-on-load where the loader has it, in stored orientation (sequential: rotating
// needs random access, so it happens once the shrunk pixels are in memory).
vips::VImage load(const std::filesystem::path& path, const SourceInfo& info, double scale, int frames) {
  auto* options = vips::VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL)->set("fail_on", VIPS_FAIL_ON_WARNING);
  if (info.frames > 1) options->set("n", frames);
  if (starts_with(info.loader, "jpegload")) options->set("shrink", jpeg_shrink(scale));
  else if (starts_with(info.loader, "webpload") && scale < 0.5) options->set("scale", scale * 2);
  // The file form with an explicit (empty) option group: a name ending in ']' is never read as options.
  const std::string name = path.string() + "[]";
  return vips::VImage::new_from_file(name.c_str(), options);
}

// To 8-bit sRGB (or grey): embedded profiles honoured, CMYK without one through libvips' fallback CMYK
// profile, 16-bit and other spaces converted.
vips::VImage to_srgb(vips::VImage image) {
  const VipsInterpretation interpretation = image.interpretation();
  const bool grey = interpretation == VIPS_INTERPRETATION_B_W || interpretation == VIPS_INTERPRETATION_GREY16;
  if (image.get_typeof(VIPS_META_ICC_NAME) != 0) {
    image = image.icc_transform("srgb", vips::VImage::option()->set("embedded", true)->set("intent", VIPS_INTENT_RELATIVE)
                                            ->set("input_profile", interpretation == VIPS_INTERPRETATION_CMYK ? "cmyk" : "srgb"));
  } else if (interpretation == VIPS_INTERPRETATION_CMYK) {
    image = image.icc_transform("srgb", vips::VImage::option()->set("input_profile", "cmyk")->set("intent", VIPS_INTENT_RELATIVE));
  } else if (grey) {
    if (interpretation != VIPS_INTERPRETATION_B_W || image.format() != VIPS_FORMAT_UCHAR) image = image.colourspace(VIPS_INTERPRETATION_B_W);
  } else if (interpretation != VIPS_INTERPRETATION_sRGB || image.format() != VIPS_FORMAT_UCHAR) {
    image = image.colourspace(VIPS_INTERPRETATION_sRGB);
  }
  if (image.format() != VIPS_FORMAT_UCHAR) image = image.cast(VIPS_FORMAT_UCHAR);
  return image;
}

}  // namespace

Master decode_master(const std::filesystem::path& path, const SourceInfo& info, double scale, int frames,
                     const manifest::Limits& limits, Isolation isolation) {
  if (!is_core_format(info.format) && isolation == Isolation::automatic)
    return decode_in_child(path, info, scale, frames, limits);
  Master master;
  master.info = info;
  master.frames = std::max(1, frames);
  const VipsCall call({path.filename().string(), info.format});
  try {
    vips::VImage image = load(path, info, scale, master.frames);
    int page_height = image.height() / master.frames;
    if (image.get_typeof(VIPS_META_PAGE_HEIGHT) != 0) {
      const int ph = image.get_int(VIPS_META_PAGE_HEIGHT);
      if (ph > 0 && image.height() % ph == 0) page_height = ph;
    }
    master.frames = image.height() / page_height;
    image = to_srgb(image);
    // The rest of the shrink, per frame height so that frames stay whole. Sizes are upright; the image
    // is still in its stored orientation.
    const bool swapped = image.get_typeof(VIPS_META_ORIENTATION) != 0 && image.get_int(VIPS_META_ORIENTATION) >= 5;
    const int upright_width = std::max(1, static_cast<int>(std::ceil(info.width * scale)));
    const int upright_page = std::max(1, static_cast<int>(std::ceil(info.height * scale)));
    const int target_width = swapped ? upright_page : upright_width;
    const int target_page = swapped ? upright_width : upright_page;
    if (target_width < image.width()) {
      const double scale_x = static_cast<double>(target_width) / image.width();
      const double scale_y = static_cast<double>(target_page) / page_height;
      if (master.frames == 1) {
        image = lanczos_resize(image, scale_x, scale_y, limits.max_seconds);
      } else {
        // Frame by frame: across a frame boundary the kernel would blend each frame's first and last
        // rows with its neighbour's. One time limit for them all.
        const auto start = std::chrono::steady_clock::now();
        std::vector<vips::VImage> shrunk;
        shrunk.reserve(static_cast<std::size_t>(master.frames));
        for (int i = 0; i < master.frames; ++i) {
          const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          const double left = limits.max_seconds > 0 ? std::max(1e-3, limits.max_seconds - spent) : 0;
          shrunk.push_back(lanczos_resize(image.extract_area(0, i * page_height, image.width(), page_height), scale_x, scale_y, left));
        }
        image = vips::VImage::arrayjoin(shrunk, vips::VImage::option()->set("across", 1));
      }
      page_height = image.height() / master.frames;
    }
    // Materialise once (every rendition of the asset reads these pixels), then turn upright in memory.
    stop_after(image, limits.max_seconds);
    image = image.copy_memory();
    if (image.get_typeof(VIPS_META_ORIENTATION) != 0 && image.get_int(VIPS_META_ORIENTATION) > 1) {
      image = image.autorot().copy_memory();
      if (master.frames == 1) page_height = image.height();
    } else if (image.get_typeof(VIPS_META_ORIENTATION) != 0) {
      image = image.copy();
      image.remove(VIPS_META_ORIENTATION);
    }
    master.image = image;
    master.page_height = page_height;
  } catch (const vips::VError& e) {
    throw RenderError("cannot decode the source: " + killed_or(first_line(e), limits.max_seconds));
  }
  master.scale = static_cast<double>(master.image.width()) / info.width;
  return master;
}

}  // namespace prerender::render
