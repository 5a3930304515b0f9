#include "render/resample.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <numbers>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace prerender::render {
namespace {

constexpr int k_shift = 14;  // weights are fixed point with 14 fractional bits
constexpr int k_one = 1 << k_shift;
constexpr int k_lobes = 3;
constexpr int k_strip = 16;  // rows read from the pipeline at a time

double lanczos3(double x) {
  x = std::abs(x);
  if (x < 1e-9) return 1.0;
  if (x >= k_lobes) return 0.0;
  const double px = std::numbers::pi * x;
  return k_lobes * std::sin(px) * std::sin(px / k_lobes) / (px * px);
}

// For every output column: where its taps start in the padded plane, and `taps` weights (a multiple of
// eight, zeros past the kernel's end).
struct Kernel {
  int margin = 0;  // plane index of source column 0
  int taps = 0;
  std::vector<int> start;
  std::vector<std::int16_t> weights;  // taps per output column
};

Kernel make_kernel(int in_width, int out_width) {
  const double factor = static_cast<double>(in_width) / out_width;
  const double support = k_lobes * factor;
  Kernel k;
  k.margin = static_cast<int>(std::ceil(support)) + 1;
  const int most = static_cast<int>(std::ceil(2 * support)) + 1;
  k.taps = (most + 7) / 8 * 8;
  k.start.resize(out_width);
  k.weights.assign(static_cast<std::size_t>(out_width) * k.taps, 0);
  std::vector<double> w(k.taps);
  for (int x = 0; x < out_width; ++x) {
    const double centre = (x + 0.5) * factor - 0.5;
    const int first = static_cast<int>(std::floor(centre - support)) + 1;
    double sum = 0;
    for (int t = 0; t < k.taps; ++t) sum += w[t] = lanczos3((first + t - centre) / factor);
    // Quantised by rounding the running total, so that every partial sum stays within half a step of
    // the exact one (many small weights do not drift) and the weights sum exactly to one (flat areas stay
    // exactly flat).
    std::int16_t* q = &k.weights[static_cast<std::size_t>(x) * k.taps];
    double running = 0;
    long before = 0;
    for (int t = 0; t < k.taps; ++t) {
      running += w[t] / sum;
      const long now = std::lround(running * k_one);
      q[t] = static_cast<std::int16_t>(now - before);
      before = now;
    }
    k.start[x] = first + k.margin;
  }
  return k;
}

std::uint8_t to_sample(std::int32_t sum) {
  return static_cast<std::uint8_t>(std::clamp((sum + (1 << (k_shift - 1))) >> k_shift, 0, 255));
}

std::int32_t dot(const std::int16_t* plane, const std::int16_t* weights, int taps) {
  std::int32_t sum = 0;
  for (int t = 0; t < taps; ++t) sum += static_cast<std::int32_t>(plane[t]) * weights[t];
  return sum;
}

// One band of one row: out[x] for every output column.
void reduce_plane(const Kernel& k, const std::int16_t* plane, std::uint8_t* out, int out_width) {
  int x = 0;
#if defined(__SSE2__)
  auto madd = [&](int column) {
    const std::int16_t* p = plane + k.start[column];
    const std::int16_t* w = &k.weights[static_cast<std::size_t>(column) * k.taps];
    __m128i acc = _mm_setzero_si128();
    for (int t = 0; t < k.taps; t += 8)
      acc = _mm_add_epi32(acc, _mm_madd_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + t)),
                                              _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + t))));
    return acc;
  };
  for (; x + 4 <= out_width; x += 4) {
    const __m128i a0 = madd(x), a1 = madd(x + 1), a2 = madd(x + 2), a3 = madd(x + 3);
    // Four horizontal sums at once: lane i of `sums` is the total of a_i.
    const __m128i s01 = _mm_add_epi32(_mm_unpacklo_epi32(a0, a1), _mm_unpackhi_epi32(a0, a1));
    const __m128i s23 = _mm_add_epi32(_mm_unpacklo_epi32(a2, a3), _mm_unpackhi_epi32(a2, a3));
    __m128i sums = _mm_add_epi32(_mm_unpacklo_epi64(s01, s23), _mm_unpackhi_epi64(s01, s23));
    sums = _mm_srai_epi32(_mm_add_epi32(sums, _mm_set1_epi32(1 << (k_shift - 1))), k_shift);
    const __m128i bytes = _mm_packus_epi16(_mm_packs_epi32(sums, sums), _mm_setzero_si128());
    const std::int32_t four = _mm_cvtsi128_si32(bytes);
    std::memcpy(out + x, &four, 4);
  }
#endif
  for (; x < out_width; ++x)
    out[x] = to_sample(dot(plane + k.start[x], &k.weights[static_cast<std::size_t>(x) * k.taps], k.taps));
}

// Interleaved samples to planes and back, the bands spelled out (the loop over them would stay a loop).
template <std::size_t... B>
void split(const std::uint8_t* row, int width, std::int16_t* at, std::size_t plane_size, std::index_sequence<B...>) {
  constexpr std::size_t bands = sizeof...(B);
  for (int x = 0; x < width; ++x, row += bands) ((at[B * plane_size + x] = row[B]), ...);
}

template <std::size_t... B>
void merge(const std::uint8_t* planes, int width, std::uint8_t* line, std::index_sequence<B...>) {
  constexpr std::size_t bands = sizeof...(B);
  for (int x = 0; x < width; ++x, line += bands) ((line[B] = planes[B * width + x]), ...);
}

// One row: split into 16-bit planes, the edge columns repeated into the margins; each plane reduced;
// the results interleaved again. `planes` holds Bands planes of `plane_size`, `reduced` Bands * out_width.
template <int Bands>
void reduce_row(const Kernel& k, const std::uint8_t* row, int in_width, std::uint8_t* line, int out_width,
                std::int16_t* planes, std::size_t plane_size, std::uint8_t* reduced) {
  for (int b = 0; b < Bands; ++b) std::fill_n(planes + b * plane_size, k.margin, row[b]);
  split(row, in_width, planes + k.margin, plane_size, std::make_index_sequence<Bands>());
  const std::uint8_t* last = row + static_cast<std::size_t>(in_width - 1) * Bands;
  for (int b = 0; b < Bands; ++b) {
    std::int16_t* plane = planes + b * plane_size;
    std::fill(plane + k.margin + in_width, plane + plane_size, last[b]);
    reduce_plane(k, plane, reduced + static_cast<std::size_t>(b) * out_width, out_width);
  }
  merge(reduced, out_width, line, std::make_index_sequence<Bands>());
}

struct RegionDeleter {
  void operator()(VipsRegion* region) const { g_object_unref(region); }
};

}  // namespace

bool can_reduce_width(const vips::VImage& image) {
  return image.format() == VIPS_FORMAT_UCHAR && image.bands() >= 1 && image.bands() <= 4 &&
         image.coding() == VIPS_CODING_NONE;
}

vips::VImage reduce_width(const vips::VImage& image, int width, double max_seconds) {
  const int in_width = image.width(), height = image.height(), bands = image.bands();
  width = std::clamp(width, 1, in_width);
  const Kernel k = make_kernel(in_width, width);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                              std::chrono::duration<double>(max_seconds));

  // The output takes the input's header and metadata (profile, orientation, resolution), then its width.
  vips::VImage out(vips_image_new_memory());
  if (vips_image_pipelinev(out.get_image(), VIPS_DEMAND_STYLE_THINSTRIP, image.get_image(), nullptr) != 0) throw vips::VError();
  out.get_image()->Xsize = width;
  if (vips_image_write_prepare(out.get_image()) != 0) throw vips::VError();

  std::unique_ptr<VipsRegion, RegionDeleter> region(vips_region_new(image.get_image()));
  const std::size_t plane_size = static_cast<std::size_t>(in_width) + 2 * k.margin + k.taps;
  std::vector<std::int16_t> planes(plane_size * bands);
  std::vector<std::uint8_t> reduced(static_cast<std::size_t>(width) * bands);
  auto row_function = bands == 1 ? &reduce_row<1> : bands == 2 ? &reduce_row<2> : bands == 3 ? &reduce_row<3> : &reduce_row<4>;
  for (int top = 0; top < height; top += k_strip) {
    if (max_seconds > 0 && std::chrono::steady_clock::now() > deadline) {
      vips_error("reduce_width", "killed");  // worded as libvips words it, for killed_or()
      throw vips::VError();
    }
    VipsRect strip{0, top, in_width, std::min(k_strip, height - top)};
    if (vips_region_prepare(region.get(), &strip) != 0) throw vips::VError();
    for (int y = top; y < top + strip.height; ++y)
      row_function(k, reinterpret_cast<const std::uint8_t*>(VIPS_REGION_ADDR(region.get(), 0, y)), in_width,
                   reinterpret_cast<std::uint8_t*>(VIPS_IMAGE_ADDR(out.get_image(), 0, y)), width, planes.data(), plane_size,
                   reduced.data());
  }
  return out;
}

vips::VImage lanczos_resize(const vips::VImage& image, double scale_x, double scale_y, double max_seconds) {
  if (scale_x < 1 && scale_y <= 1 && can_reduce_width(image) && !image.has_alpha()) {
    const vips::VImage tall = scale_y < 1 ? image.resize(1.0, vips::VImage::option()->set("vscale", scale_y)->set("kernel", VIPS_KERNEL_LANCZOS3))
                                          : image;
    return reduce_width(tall, std::max(1, static_cast<int>(std::lround(image.width() * scale_x))), max_seconds);
  }
  // Premultiplied, so that transparent pixels' colours do not bleed into their neighbours.
  const bool alpha = image.has_alpha();
  vips::VImage in = alpha ? image.premultiply() : image;
  vips::VImage out = in.resize(scale_x, vips::VImage::option()->set("vscale", scale_y)->set("kernel", VIPS_KERNEL_LANCZOS3));
  if (alpha) out = out.unpremultiply();
  return out.cast(VIPS_FORMAT_UCHAR);
}

}  // namespace prerender::render
