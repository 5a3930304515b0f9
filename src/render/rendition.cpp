#include "render/rendition.hpp"

#include <chrono>
#include <cmath>
#include <fmt/format.h>

#include "presets/format_defaults.hpp"
#include "render/encode.hpp"
#include "render/quality_encode.hpp"
#include "render/resample.hpp"
#include "render/vips_util.hpp"
#include "util/time.hpp"

namespace prerender::render {
namespace {

using presets::Gravity;

std::vector<double> colour_bands(const presets::Colour& c, int bands) {
  if (bands <= 2) {
    const double grey = 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
    return bands == 1 ? std::vector<double>{grey} : std::vector<double>{grey, static_cast<double>(c.a)};
  }
  if (bands == 3) return {static_cast<double>(c.r), static_cast<double>(c.g), static_cast<double>(c.b)};
  return {static_cast<double>(c.r), static_cast<double>(c.g), static_cast<double>(c.b), static_cast<double>(c.a)};
}

vips::VImage crop_box(const vips::VImage& image, const Box& box) {
  if (box.left == 0 && box.top == 0 && box.width == image.width() && box.height == image.height()) return image;
  return image.extract_area(box.left, box.top, box.width, box.height);
}

// Makes the image exactly `size`, absorbing a pixel of rounding either way.
vips::VImage exact(const vips::VImage& image, Size size) {
  vips::VImage out = image;
  if (out.width() > size.width || out.height() > size.height)
    out = out.extract_area(0, 0, std::min(out.width(), size.width), std::min(out.height(), size.height));
  if (out.width() < size.width || out.height() < size.height)
    out = out.embed(0, 0, size.width, size.height, vips::VImage::option()->set("extend", VIPS_EXTEND_COPY));
  return out;
}

struct Frame {
  const presets::Preset& preset;
  const RenditionRequest& request;
  std::optional<std::pair<double, double>> focus;  // fractions of the upright source
  double master_scale;
  Size source;  // the upright source, one frame
  double max_seconds;
};

using Focus = std::optional<std::pair<double, double>>;

// Pre-crop, in fractions of the source; the focal point moves with it.
vips::VImage pre_crop(vips::VImage image, const presets::Preset& p, Focus& focus) {
  if (p.crop) {
    Box box;
    const Size size{image.width(), image.height()};
    if (p.crop->region) {
      const presets::Region& r = *p.crop->region;
      box = {static_cast<int>(std::lround(r.left * size.width)), static_cast<int>(std::lround(r.top * size.height)),
             std::max(1, static_cast<int>(std::lround(r.width * size.width))),
             std::max(1, static_cast<int>(std::lround(r.height * size.height)))};
      box.width = std::min(box.width, size.width - box.left);
      box.height = std::min(box.height, size.height - box.top);
    } else {
      box = aspect_crop(size, *p.crop->aspect, p.resize.gravity, focus);
    }
    if (focus)
      focus = std::pair{(focus->first * size.width - box.left) / box.width, (focus->second * size.height - box.top) / box.height};
    image = crop_box(image, box);
  }
  return image;
}

// Cuts uniform borders (told against the top-left pixel, on the image flattened over the background).
vips::VImage trim_borders(vips::VImage image, const presets::Preset& p) {
  if (p.trim) {
    int left = 0, top = 0, width = 0, height = 0;
    const vips::VImage flat = image.has_alpha() ? image.flatten(vips::VImage::option()->set("background", colour_bands(p.background, 3))) : image;
    left = flat.find_trim(&top, &width, &height,
                          vips::VImage::option()->set("threshold", *p.trim)->set("background", flat.getpoint(0, 0)));
    if (width > 0 && height > 0) image = crop_box(image, {left, top, width, height});
  }
  return image;
}

vips::VImage orient(vips::VImage image, const presets::Preset& p, Focus& focus) {
  if (p.rotate == 90) image = image.rot(VIPS_ANGLE_D90);
  else if (p.rotate == 180) image = image.rot(VIPS_ANGLE_D180);
  else if (p.rotate == 270) image = image.rot(VIPS_ANGLE_D270);
  if (p.flip) image = image.flip(VIPS_DIRECTION_VERTICAL);
  if (p.flop) image = image.flip(VIPS_DIRECTION_HORIZONTAL);
  if (p.rotate != 0 || p.flip || p.flop) focus.reset();  // a focal point in source terms no longer applies
  return image;
}

// Resize. The box is in device pixels of the source; the master is already at its decode level.
vips::VImage resize_frame(vips::VImage image, const Frame& f, const Focus& focus) {
  const presets::Preset& p = f.preset;
  const double dpr = f.request.dpr;
  const Size here{image.width(), image.height()};
  // Geometry is planned on the source's own size (the decode may have rounded a side up); only a trim,
  // known after decoding, is measured on the decoded image, which is then full size.
  const Size in_source = p.trim ? Size{std::max(1, static_cast<int>(std::lround(here.width / f.master_scale))),
                                       std::max(1, static_cast<int>(std::lround(here.height / f.master_scale)))}
                                : effective_source(f.source, p, f.focus);
  const ResizePlan plan = plan_resize(in_source, device_pixels(p.resize.width, dpr), device_pixels(p.resize.height, dpr), p.resize.fit, p.resize.enlarge);
  image = exact(lanczos_resize(image, static_cast<double>(plan.scaled.width) / here.width,
                               static_cast<double>(plan.scaled.height) / here.height, f.max_seconds),
                plan.scaled);
  if (plan.crop) {
    const Gravity g = p.resize.gravity;
    if (g == Gravity::entropy || g == Gravity::attention) {
      image = image.smartcrop(plan.output.width, plan.output.height,
                              vips::VImage::option()->set("interesting", g == Gravity::entropy ? VIPS_INTERESTING_ENTROPY
                                                                                                : VIPS_INTERESTING_ATTENTION));
    } else {
      image = crop_box(image, place(plan.scaled, plan.output, g, g == Gravity::focus ? focus : std::nullopt));
    }
  }
  const bool transparent_fill = presets::traits(f.request.format).has_alpha && p.background.a < 255;
  if (transparent_fill && !image.has_alpha()) image = image.bandjoin_const({255});
  if (plan.embed) {
    image = image.embed(plan.embed->left, plan.embed->top, plan.output.width, plan.output.height,
                        vips::VImage::option()->set("extend", VIPS_EXTEND_BACKGROUND)->set("background", colour_bands(p.background, image.bands())));
  }
  return image;
}

// Padding, sharpening, blur and grey, in device pixels.
vips::VImage finish_look(vips::VImage image, const presets::Preset& p, double dpr) {
  if (p.pad.top || p.pad.right || p.pad.bottom || p.pad.left) {
    auto px = [&](int css) { return static_cast<int>(std::lround(css * dpr)); };
    image = image.embed(px(p.pad.left), px(p.pad.top), image.width() + px(p.pad.left) + px(p.pad.right),
                        image.height() + px(p.pad.top) + px(p.pad.bottom),
                        vips::VImage::option()->set("extend", VIPS_EXTEND_BACKGROUND)->set("background", colour_bands(p.background, image.bands())));
  }
  if (p.sharpen) image = image.sharpen(vips::VImage::option()->set("sigma", *p.sharpen * dpr)).cast(VIPS_FORMAT_UCHAR);
  if (p.blur) image = image.gaussblur(*p.blur * dpr).cast(VIPS_FORMAT_UCHAR);
  if (p.grayscale) {
    const bool alpha = image.has_alpha();
    vips::VImage grey = image.colourspace(VIPS_INTERPRETATION_B_W);
    image = grey.colourspace(VIPS_INTERPRETATION_sRGB);
    if (alpha && !image.has_alpha()) image = image.bandjoin(grey.extract_band(1));
  }
  return image;
}

// The overlay badge, placed by its gravity and offset, composited over the frame.
vips::VImage add_overlay(vips::VImage image, const presets::Preset& p, double dpr, bool output_alpha, bool transparent_fill) {
  const presets::Overlay& o = *p.overlay;
  const int badge_width = std::max(1, static_cast<int>(std::lround(o.width * image.width())));
  vips::VImage badge = vips::VImage::thumbnail(o.image.c_str(), badge_width,
                                               vips::VImage::option()->set("height", 10 * image.height())->set("size", VIPS_SIZE_BOTH));
  if (badge.bands() < 3) badge = badge.colourspace(VIPS_INTERPRETATION_sRGB);
  if (!badge.has_alpha()) badge = badge.bandjoin_const({255});
  if (o.opacity < 1) badge = badge * std::vector<double>{1, 1, 1, o.opacity};
  badge = badge.cast(VIPS_FORMAT_UCHAR);
  Box at = place({image.width(), image.height()}, {badge.width(), badge.height()}, o.gravity);
  const int dx = static_cast<int>(std::lround(o.offset_x * dpr)), dy = static_cast<int>(std::lround(o.offset_y * dpr));
  // Offsets push inward from the edges the gravity names (and right/down from the centre).
  const bool east = o.gravity == Gravity::east || o.gravity == Gravity::northeast || o.gravity == Gravity::southeast;
  const bool south = o.gravity == Gravity::south || o.gravity == Gravity::southeast || o.gravity == Gravity::southwest;
  at.left += east ? -dx : dx;
  at.top += south ? -dy : dy;
  if (image.bands() < 3) image = image.colourspace(VIPS_INTERPRETATION_sRGB);
  image = image.composite2(badge, VIPS_BLEND_MODE_OVER, vips::VImage::option()->set("x", at.left)->set("y", at.top));
  image = image.cast(VIPS_FORMAT_UCHAR);
  if (!output_alpha || !transparent_fill) image = image.flatten(vips::VImage::option()->set("background", colour_bands(p.background, 3))).cast(VIPS_FORMAT_UCHAR);
  return image;
}

// One frame through the preset's geometry and look, at output size.
vips::VImage transform(vips::VImage image, const Frame& f) {
  const presets::Preset& p = f.preset;
  Focus focus = f.focus;
  image = pre_crop(image, p, focus);
  image = trim_borders(image, p);
  image = orient(image, p, focus);
  image = resize_frame(image, f, focus);
  const bool output_alpha = presets::traits(f.request.format).has_alpha;
  const bool transparent_fill = output_alpha && p.background.a < 255;
  image = finish_look(image, p, f.request.dpr);
  if (p.overlay) image = add_overlay(image, p, f.request.dpr, output_alpha, transparent_fill);
  if (image.has_alpha() && !output_alpha) {
    image = image.flatten(vips::VImage::option()->set("background", colour_bands(p.background, image.bands() - 1))).cast(VIPS_FORMAT_UCHAR);
  }
  return image;
}

}  // namespace

namespace {

bool animates(const Master& master, const RenditionRequest& request) {
  return master.frames > 1 && request.preset->animation == presets::Animation::keep && presets::traits(request.format).can_animate;
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
    const Frame frame{preset, request, focus, master.scale, {master.info.width, master.info.height}, max_seconds};
    vips::VImage image;
    if (animates(master, request)) {
      const int frames = std::min(master.frames, preset.max_frames);
      std::vector<vips::VImage> done;
      done.reserve(frames);
      for (int i = 0; i < frames; ++i)
        done.push_back(transform(master.image.extract_area(0, i * master.page_height, master.image.width(), master.page_height), frame));
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
      vips::VImage first = master.frames > 1 ? master.image.extract_area(0, 0, master.image.width(), master.page_height) : master.image;
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
                          std::optional<int> remembered) {
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
