#include "render/geometry.hpp"

#include <algorithm>
#include <cmath>

namespace prerender::render {
namespace {

int at_least_one(double v) { return std::max(1, static_cast<int>(std::lround(v))); }

// Uniform scaling, never past 1 without enlarge: the output is the scaled image.
ResizePlan uniform(Size source, double scale, bool enlarge) {
  ResizePlan plan;
  if (!enlarge) scale = std::min(scale, 1.0);
  const double sw = source.width, sh = source.height;
  plan.scaled = plan.output = {at_least_one(sw * scale), at_least_one(sh * scale)};
  plan.scale_x = plan.scale_y = scale;
  return plan;
}

// cover, contain and fill: the output is the box, which without enlarge shrinks by the scale the fit
// needs where that is above 1.
ResizePlan into_box(Size source, double bw, double bh, presets::Fit fit, bool enlarge) {
  using presets::Fit;
  ResizePlan plan;
  const double sw = source.width, sh = source.height;
  const double sx = bw / sw, sy = bh / sh;
  const double need = fit == Fit::cover ? std::max(sx, sy) : fit == Fit::contain ? std::min(sx, sy) : std::max(sx, sy);
  if (!enlarge && need > 1.0) {
    bw /= need;
    bh /= need;
  }
  const Size box{at_least_one(bw), at_least_one(bh)};
  plan.output = box;
  if (fit == Fit::fill) {
    plan.scaled = box;
    plan.scale_x = box.width / sw;
    plan.scale_y = box.height / sh;
    return plan;
  }
  const double scale =
      fit == Fit::cover ? std::max(box.width / sw, box.height / sh) : std::min(box.width / sw, box.height / sh);
  // Round the scaled size so that cover never falls short of the box, and contain never exceeds it.
  Size scaled{at_least_one(sw * scale), at_least_one(sh * scale)};
  if (fit == Fit::cover) {
    scaled.width = std::max(scaled.width, box.width);
    scaled.height = std::max(scaled.height, box.height);
    plan.crop = Box{0, 0, box.width, box.height};
  } else {
    scaled.width = std::min(scaled.width, box.width);
    scaled.height = std::min(scaled.height, box.height);
    plan.embed = Box{(box.width - scaled.width) / 2, (box.height - scaled.height) / 2, scaled.width, scaled.height};
  }
  plan.scaled = scaled;
  plan.scale_x = scaled.width / sw;
  plan.scale_y = scaled.height / sh;
  return plan;
}

}  // namespace

ResizePlan plan_resize(Size source, std::optional<int> box_width, std::optional<int> box_height, presets::Fit fit,
                       bool enlarge) {
  using presets::Fit;
  if (!box_width && !box_height) {
    ResizePlan plan;
    plan.scaled = plan.output = source;
    return plan;
  }
  const double sw = source.width, sh = source.height;
  // One side given: scale uniformly to it, whatever the fit.
  if (!box_width || !box_height) return uniform(source, box_width ? *box_width / sw : *box_height / sh, enlarge);
  const double sx = *box_width / sw, sy = *box_height / sh;
  if (fit == Fit::inside) return uniform(source, std::min(sx, sy), enlarge);
  if (fit == Fit::outside) return uniform(source, std::max(sx, sy), enlarge);
  return into_box(source, *box_width, *box_height, fit, enlarge);
}

Box place(Size outer, Size inner, presets::Gravity gravity, std::optional<std::pair<double, double>> focus) {
  using presets::Gravity;
  const int free_x = std::max(0, outer.width - inner.width);
  const int free_y = std::max(0, outer.height - inner.height);
  int left = free_x / 2, top = free_y / 2;
  switch (gravity) {
    case Gravity::north: top = 0; break;
    case Gravity::south: top = free_y; break;
    case Gravity::east: left = free_x; break;
    case Gravity::west: left = 0; break;
    case Gravity::northeast:
      top = 0;
      left = free_x;
      break;
    case Gravity::northwest:
      top = 0;
      left = 0;
      break;
    case Gravity::southeast:
      top = free_y;
      left = free_x;
      break;
    case Gravity::southwest:
      top = free_y;
      left = 0;
      break;
    case Gravity::focus:
      if (focus) {
        left = std::clamp(static_cast<int>(std::lround(focus->first * outer.width - inner.width / 2.0)), 0, free_x);
        top = std::clamp(static_cast<int>(std::lround(focus->second * outer.height - inner.height / 2.0)), 0, free_y);
      }
      break;
    default: break;  // centre; entropy and attention are decided by libvips at render time
  }
  return {left, top, std::min(inner.width, outer.width), std::min(inner.height, outer.height)};
}

Box aspect_crop(Size source, double aspect, presets::Gravity gravity, std::optional<std::pair<double, double>> focus) {
  Size inner = source;
  if (static_cast<double>(source.width) / source.height > aspect)
    inner.width = at_least_one(source.height * aspect);
  else
    inner.height = at_least_one(source.width / aspect);
  return place(source, inner, gravity, focus);
}

std::optional<int> device_pixels(std::optional<int> css, double dpr) {
  if (!css) return std::nullopt;
  return std::max(1, static_cast<int>(std::lround(*css * dpr)));
}

double needed_scale(const ResizePlan& plan) { return std::max(plan.scale_x, plan.scale_y); }

Window cropped(const Window& window, const Box& box, Size size) {
  const double left = box.left == 0 ? window.left : std::max(window.left, static_cast<double>(box.left));
  const double top = box.top == 0 ? window.top : std::max(window.top, static_cast<double>(box.top));
  const double right = box.left + box.width == size.width
                           ? window.left + window.width
                           : std::min(window.left + window.width, static_cast<double>(box.left + box.width));
  const double bottom = box.top + box.height == size.height
                            ? window.top + window.height
                            : std::min(window.top + window.height, static_cast<double>(box.top + box.height));
  return {left - box.left, top - box.top, std::max(0.0, right - left), std::max(0.0, bottom - top)};
}

Window turned(const Window& w, Size size, int angle, bool flop, bool flip) {
  // A point (x, y) of a W x H image goes to (H - y, x) by a quarter turn clockwise, to (W - x, H - y) by
  // a half turn, to (y, W - x) by three quarters.
  const double width = size.width, height = size.height;
  Window out = w;
  Size now = size;
  if (angle == 90) {
    out = {height - w.top - w.height, w.left, w.height, w.width};
    now = {size.height, size.width};
  } else if (angle == 180) {
    out = {width - w.left - w.width, height - w.top - w.height, w.width, w.height};
  } else if (angle == 270) {
    out = {w.top, width - w.left - w.width, w.height, w.width};
    now = {size.height, size.width};
  }
  if (flop) out.left = now.width - out.left - out.width;
  if (flip) out.top = now.height - out.top - out.height;
  return out;
}

Upright upright_of(int orientation) {
  switch (orientation) {
    case 2: return {0, true};
    case 3: return {180, false};
    case 4: return {180, true};
    case 5: return {90, true};
    case 6: return {90, false};
    case 7: return {270, true};
    case 8: return {270, false};
    default: return {0, false};
  }
}

}  // namespace prerender::render
