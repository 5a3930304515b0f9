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

#include "render/lanczos_kernel.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace prerender::render {
namespace {

constexpr int k_strip = 16;  // rows read from the pipeline at a time

std::uint8_t to_sample(std::int32_t sum) {
  return static_cast<std::uint8_t>(std::clamp((sum + (1 << (k_weight_shift - 1))) >> k_weight_shift, 0, 255));
}

std::int32_t dot(const std::int16_t* plane, const std::int16_t* weights, int taps) {
  std::int32_t sum = 0;
  for (int t = 0; t < taps; ++t) sum += static_cast<std::int32_t>(plane[t]) * weights[t];
  return sum;
}

// One band of one row: out[x] for every output column.
void reduce_plane(const LanczosKernel& k, const std::int16_t* plane, std::uint8_t* out, int out_width) {
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
    sums = _mm_srai_epi32(_mm_add_epi32(sums, _mm_set1_epi32(1 << (k_weight_shift - 1))), k_weight_shift);
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
void reduce_row(const LanczosKernel& k, const std::uint8_t* row, int in_width, std::uint8_t* line, int out_width,
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

// One output row of a vertical reduction: out[i] = sum over t of weights[t] * rows[t][i], `samples` wide.
// Rows go in pairs, so that one multiply-add takes two rows' samples with their two weights; `paired`
// holds at least taps / 2 of those pairs (scratch, kept by the caller across rows).
void reduce_column(const std::uint8_t* const* rows, const std::int16_t* weights, int taps, std::uint8_t* out,
                   int samples, std::int32_t* paired) {
  int i = 0;
#if defined(__SSE2__)
  // The pairs' weights, w0 and w1 side by side in 32 bits, made once for the row.
  const int pairs = taps / 2;
  for (int t = 0; t < pairs; ++t)
    paired[t] =
        static_cast<std::int32_t>((static_cast<std::uint32_t>(static_cast<std::uint16_t>(weights[2 * t + 1])) << 16) |
                                  static_cast<std::uint16_t>(weights[2 * t]));
  const __m128i zero = _mm_setzero_si128(), round = _mm_set1_epi32(1 << (k_weight_shift - 1));
  for (; i + 16 <= samples; i += 16) {
    __m128i acc[4] = {zero, zero, zero, zero};
    for (int t = 0; t < pairs; ++t) {
      const __m128i w = _mm_set1_epi32(paired[t]);
      const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[2 * t] + i));
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[2 * t + 1] + i));
      const __m128i low = _mm_unpacklo_epi8(a, b), high = _mm_unpackhi_epi8(a, b);  // a0 b0 a1 b1 ...
      acc[0] = _mm_add_epi32(acc[0], _mm_madd_epi16(_mm_unpacklo_epi8(low, zero), w));
      acc[1] = _mm_add_epi32(acc[1], _mm_madd_epi16(_mm_unpackhi_epi8(low, zero), w));
      acc[2] = _mm_add_epi32(acc[2], _mm_madd_epi16(_mm_unpacklo_epi8(high, zero), w));
      acc[3] = _mm_add_epi32(acc[3], _mm_madd_epi16(_mm_unpackhi_epi8(high, zero), w));
    }
    for (__m128i& sum : acc) sum = _mm_srai_epi32(_mm_add_epi32(sum, round), k_weight_shift);
    const __m128i bytes = _mm_packus_epi16(_mm_packs_epi32(acc[0], acc[1]), _mm_packs_epi32(acc[2], acc[3]));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), bytes);
  }
#else
  (void)paired;
#endif
  for (; i < samples; ++i) {
    std::int32_t sum = 0;
    for (int t = 0; t < taps; ++t) sum += static_cast<std::int32_t>(rows[t][i]) * weights[t];
    out[i] = to_sample(sum);
  }
}

struct RegionDeleter {
  void operator()(VipsRegion* region) const { g_object_unref(region); }
};

// An image in memory of `width` x `height` with the header and metadata (profile, orientation,
// resolution) of `image`, ready for its rows to be written.
vips::VImage output_like(const vips::VImage& image, int width, int height) {
  vips::VImage out(vips_image_new_memory());
  if (vips_image_pipelinev(out.get_image(), VIPS_DEMAND_STYLE_THINSTRIP, image.get_image(), nullptr) != 0)
    throw vips::VError();
  out.get_image()->Xsize = width;
  out.get_image()->Ysize = height;
  if (vips_image_write_prepare(out.get_image()) != 0) throw vips::VError();
  return out;
}

// Source rows are read once, in order, in strips (a sequential decode streams through), into a ring
// that holds every row the next output row weighs.
class SourceRows {
 public:
  SourceRows(const vips::VImage& image, int ring_rows, double max_seconds,
             std::chrono::steady_clock::time_point deadline)
      : m_width(image.width()),
        m_height(image.height()),
        m_line(static_cast<std::size_t>(m_width) * image.bands()),
        m_ring_rows(ring_rows),
        m_ring(m_line * ring_rows),
        m_region(vips_region_new(image.get_image())),
        m_max_seconds(max_seconds),
        m_deadline(deadline) {}

  std::size_t line() const { return m_line; }
  const std::uint8_t* row(int y) const { return m_ring.data() + m_line * (y % m_ring_rows); }

  // Reads source rows up to and including `last`.
  void load_through(int last) {
    while (m_loaded <= last) {
      if (m_max_seconds > 0 && std::chrono::steady_clock::now() > m_deadline) {
        vips_error("lanczos_reduce", "killed");  // worded as libvips words it, for killed_or()
        throw vips::VError();
      }
      VipsRect strip{0, m_loaded, m_width, std::min(k_strip, m_height - m_loaded)};
      if (vips_region_prepare(m_region.get(), &strip) != 0) throw vips::VError();
      for (int y = m_loaded; y < m_loaded + strip.height; ++y)
        std::memcpy(m_ring.data() + m_line * (y % m_ring_rows), VIPS_REGION_ADDR(m_region.get(), 0, y), m_line);
      m_loaded += strip.height;
    }
  }

 private:
  int m_width, m_height;
  std::size_t m_line;
  int m_ring_rows;
  std::vector<std::uint8_t> m_ring;
  std::unique_ptr<VipsRegion, RegionDeleter> m_region;
  double m_max_seconds;
  std::chrono::steady_clock::time_point m_deadline;
  int m_loaded = 0;  // source rows [0, m_loaded) have been read
};

}  // namespace

bool can_lanczos_reduce(const vips::VImage& image) {
  return image.format() == VIPS_FORMAT_UCHAR && image.bands() >= 1 && image.bands() <= 4 &&
         image.coding() == VIPS_CODING_NONE;
}

vips::VImage lanczos_reduce(const vips::VImage& image, int width, int height, double max_seconds,
                            std::optional<Window> window) {
  const int in_width = image.width(), in_height = image.height(), bands = image.bands();
  const Window w = window.value_or(Window::whole({in_width, in_height}));
  width = std::clamp(width, 1, std::max(in_width, static_cast<int>(std::ceil(w.width))));
  height = std::clamp(height, 1, std::max(in_height, static_cast<int>(std::ceil(w.height))));
  // A side is resampled when its count changes, or when its window is not the whole side (then even at
  // the same count the samples move).
  const bool narrower = width != in_width || w.left != 0 || w.width != in_width;
  const bool shorter = height != in_height || w.top != 0 || w.height != in_height;
  const LanczosKernel across = narrower ? make_lanczos_kernel(w.left, w.width, width) : LanczosKernel{};
  const LanczosKernel down = shorter ? make_lanczos_kernel(w.top, w.height, height) : LanczosKernel{};
  const auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(max_seconds));

  vips::VImage out = output_like(image, width, height);
  SourceRows source(image, (shorter ? down.taps : 1) + k_strip, max_seconds, deadline);
  const std::size_t line = source.line();

  const std::size_t plane_size = static_cast<std::size_t>(in_width) + 2 * across.margin + across.taps;
  std::vector<std::int16_t> planes(narrower ? plane_size * bands : 0);
  std::vector<std::uint8_t> reduced(narrower ? static_cast<std::size_t>(width) * bands : 0);
  std::vector<std::uint8_t> column(narrower && shorter ? line : 0);
  std::vector<const std::uint8_t*> rows(down.taps);
  std::vector<std::int32_t> paired(down.taps / 2);
  auto row_function = bands == 1   ? &reduce_row<1>
                      : bands == 2 ? &reduce_row<2>
                      : bands == 3 ? &reduce_row<3>
                                   : &reduce_row<4>;
  for (int y = 0; y < height; ++y) {
    auto* target = reinterpret_cast<std::uint8_t*>(VIPS_IMAGE_ADDR(out.get_image(), 0, y));
    const std::uint8_t* tall;  // this output row at the source's width
    if (shorter) {
      const int first = down.start[y] - down.margin;
      const std::int16_t* weights = &down.weights[static_cast<std::size_t>(y) * down.taps];
      int taps = down.taps;
      while (taps > 0 && weights[taps - 1] == 0) --taps;
      taps += taps % 2;
      source.load_through(std::min(in_height - 1, first + taps - 1));
      for (int t = 0; t < taps; ++t) rows[t] = source.row(std::clamp(first + t, 0, in_height - 1));
      std::uint8_t* into = narrower ? column.data() : target;
      reduce_column(rows.data(), weights, taps, into, static_cast<int>(line), paired.data());
      tall = into;
    } else {
      source.load_through(y);
      tall = source.row(y);
    }
    if (narrower)
      row_function(across, tall, in_width, target, width, planes.data(), plane_size, reduced.data());
    else if (tall != target)
      std::memcpy(target, tall, line);
  }
  return out;
}

vips::VImage lanczos_resize(const vips::VImage& image, double scale_x, double scale_y, double max_seconds) {
  if (std::abs(scale_x - 1) < 1e-9 && std::abs(scale_y - 1) < 1e-9) return image;
  if (scale_x <= 1 && scale_y <= 1 && can_lanczos_reduce(image) && !image.has_alpha()) {
    return lanczos_reduce(image, std::max(1, static_cast<int>(std::lround(image.width() * scale_x))),
                          std::max(1, static_cast<int>(std::lround(image.height() * scale_y))), max_seconds);
  }
  // Premultiplied, so that transparent pixels' colours do not bleed into their neighbours.
  const bool alpha = image.has_alpha();
  vips::VImage in = alpha ? image.premultiply() : image;
  vips::VImage out =
      in.resize(scale_x, vips::VImage::option()->set("vscale", scale_y)->set("kernel", VIPS_KERNEL_LANCZOS3));
  if (alpha) out = out.unpremultiply();
  return out.cast(VIPS_FORMAT_UCHAR);
}

vips::VImage resize_window(const vips::VImage& image, const Window& window, Size size, double max_seconds) {
  const Size here{image.width(), image.height()};
  vips::VImage out;
  if (!window.is_whole(here) && can_lanczos_reduce(image) && !image.has_alpha()) {
    out = lanczos_reduce(image, size.width, size.height, max_seconds, window);
  } else {
    out = lanczos_resize(image, static_cast<double>(size.width) / here.width,
                         static_cast<double>(size.height) / here.height, max_seconds);
  }
  if (out.width() > size.width || out.height() > size.height)
    out = out.extract_area(0, 0, std::min(out.width(), size.width), std::min(out.height(), size.height));
  if (out.width() < size.width || out.height() < size.height)
    out = out.embed(0, 0, size.width, size.height, vips::VImage::option()->set("extend", VIPS_EXTEND_COPY));
  return out;
}

}  // namespace prerender::render
