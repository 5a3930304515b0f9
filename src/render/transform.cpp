#include "render/transform.hpp"

#include <cmath>

#include "presets/format_defaults.hpp"
#include "render/resample.hpp"
#include "render/vips_util.hpp"

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

using Focus = std::optional<std::pair<double, double>>;

// Pre-crop, in fractions of the source; the focal point and the window move with it.
vips::VImage pre_crop(vips::VImage image, const presets::Preset& p, Focus& focus, Window& window) {
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
      focus = std::pair{(focus->first * size.width - box.left) / box.width,
                        (focus->second * size.height - box.top) / box.height};
    window = cropped(window, box, size);
    image = crop_box(image, box);
  }
  return image;
}

// Cuts uniform borders (told against the top-left pixel, on the image flattened over the background).
vips::VImage trim_borders(vips::VImage image, const presets::Preset& p, Window& window) {
  if (p.trim) {
    int left = 0, top = 0, width = 0, height = 0;
    const vips::VImage flat =
        image.has_alpha() ? image.flatten(vips::VImage::option()->set("background", colour_bands(p.background, 3)))
                          : image;
    left = flat.find_trim(&top, &width, &height,
                          vips::VImage::option()->set("threshold", *p.trim)->set("background", flat.getpoint(0, 0)));
    if (width > 0 && height > 0) {
      window = cropped(window, {left, top, width, height}, {image.width(), image.height()});
      image = crop_box(image, {left, top, width, height});
    }
  }
  return image;
}

vips::VImage orient(vips::VImage image, const presets::Preset& p, Focus& focus, Window& window) {
  // rot(D90) turns clockwise; flip(vertical) mirrors top to bottom, flip(horizontal) left to right.
  window = turned(window, {image.width(), image.height()}, p.rotate, p.flop, p.flip);
  if (p.rotate == 90)
    image = image.rot(VIPS_ANGLE_D90);
  else if (p.rotate == 180)
    image = image.rot(VIPS_ANGLE_D180);
  else if (p.rotate == 270)
    image = image.rot(VIPS_ANGLE_D270);
  if (p.flip) image = image.flip(VIPS_DIRECTION_VERTICAL);
  if (p.flop) image = image.flip(VIPS_DIRECTION_HORIZONTAL);
  if (p.rotate != 0 || p.flip || p.flop) focus.reset();  // a focal point in source terms no longer applies
  return image;
}

// Resize. The box is in device pixels of the source; the master is already at its decode level.
vips::VImage resize_frame(vips::VImage image, const Frame& f, const Focus& focus, const Window& window) {
  const presets::Preset& p = f.preset;
  const double dpr = f.request.dpr;
  const Size here{image.width(), image.height()};
  // Geometry is planned on the source's own size (the decode may have rounded a side up); only a trim,
  // known after decoding, is measured on the decoded image, which is then full size.
  const Size in_source = p.trim ? Size{std::max(1, static_cast<int>(std::lround(here.width / f.master_scale))),
                                       std::max(1, static_cast<int>(std::lround(here.height / f.master_scale)))}
                                : effective_source(f.source, p, f.focus);
  const ResizePlan plan = plan_resize(in_source, device_pixels(p.resize.width, dpr),
                                      device_pixels(p.resize.height, dpr), p.resize.fit, p.resize.enlarge);
  image = resize_window(image, window, plan.scaled, f.max_seconds);
  if (plan.crop) {
    const Gravity g = p.resize.gravity;
    if (g == Gravity::entropy || g == Gravity::attention) {
      image = image.smartcrop(
          plan.output.width, plan.output.height,
          vips::VImage::option()->set("interesting",
                                      g == Gravity::entropy ? VIPS_INTERESTING_ENTROPY : VIPS_INTERESTING_ATTENTION));
    } else {
      image = crop_box(image, place(plan.scaled, plan.output, g, g == Gravity::focus ? focus : std::nullopt));
    }
  }
  const bool transparent_fill = presets::traits(f.request.format).has_alpha && p.background.a < 255;
  if (transparent_fill && !image.has_alpha()) image = image.bandjoin_const({255});
  if (plan.embed) {
    image = image.embed(plan.embed->left, plan.embed->top, plan.output.width, plan.output.height,
                        vips::VImage::option()
                            ->set("extend", VIPS_EXTEND_BACKGROUND)
                            ->set("background", colour_bands(p.background, image.bands())));
  }
  return image;
}

// Padding, sharpening, blur and grey, in device pixels.
vips::VImage finish_look(vips::VImage image, const presets::Preset& p, double dpr) {
  if (p.pad.top || p.pad.right || p.pad.bottom || p.pad.left) {
    auto px = [&](int css) { return static_cast<int>(std::lround(css * dpr)); };
    image = image.embed(px(p.pad.left), px(p.pad.top), image.width() + px(p.pad.left) + px(p.pad.right),
                        image.height() + px(p.pad.top) + px(p.pad.bottom),
                        vips::VImage::option()
                            ->set("extend", VIPS_EXTEND_BACKGROUND)
                            ->set("background", colour_bands(p.background, image.bands())));
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
vips::VImage add_overlay(vips::VImage image, const presets::Preset& p, double dpr, bool output_alpha,
                         bool transparent_fill) {
  const presets::Overlay& o = *p.overlay;
  const int badge_width = std::max(1, static_cast<int>(std::lround(o.width * image.width())));
  vips::VImage badge =
      vips::VImage::thumbnail(o.image.c_str(), badge_width,
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
  if (!output_alpha || !transparent_fill)
    image =
        image.flatten(vips::VImage::option()->set("background", colour_bands(p.background, 3))).cast(VIPS_FORMAT_UCHAR);
  return image;
}

}  // namespace

// One frame through the preset's geometry and look, at output size.
vips::VImage transform(vips::VImage image, const Frame& f) {
  const presets::Preset& p = f.preset;
  Focus focus = f.focus;
  Window window = f.window;
  image = pre_crop(image, p, focus, window);
  image = trim_borders(image, p, window);
  image = orient(image, p, focus, window);
  image = resize_frame(image, f, focus, window);
  const bool output_alpha = presets::traits(f.request.format).has_alpha;
  const bool transparent_fill = output_alpha && p.background.a < 255;
  image = finish_look(image, p, f.request.dpr);
  if (p.overlay) image = add_overlay(image, p, f.request.dpr, output_alpha, transparent_fill);
  if (image.has_alpha() && !output_alpha) {
    image = image.flatten(vips::VImage::option()->set("background", colour_bands(p.background, image.bands() - 1)))
                .cast(VIPS_FORMAT_UCHAR);
  }
  return image;
}

}  // namespace prerender::render
