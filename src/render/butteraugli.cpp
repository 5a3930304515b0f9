#include "render/butteraugli.hpp"

#include <fmt/format.h>
#include <jxl/butteraugli.h>
#include <algorithm>
#include <array>
#include <cmath>
#include <memory>

#include "render/error.hpp"
#include "render/vips_util.hpp"

namespace prerender::render {
namespace {

struct Deleters {
  void operator()(JxlButteraugliApi* p) const { JxlButteraugliApiDestroy(p); }
  void operator()(JxlButteraugliResult* p) const { JxlButteraugliResultDestroy(p); }
};

// The norm the quality search aims at: a 3-norm weighs the worst areas more than a mean does, less than
// the maximum, which one odd pixel decides.
constexpr float k_norm = 3.0f;
constexpr int k_min_side = 8;

// libjxl's p-norm of a distance map (lib/jxl/enc_butteraugli_pnorm.cc) over some of its pixels: the mean
// of the p-, 2p- and 4p-norms, so that the worst pixels weigh more than in a plain p-norm.
double pnorm_over(const float* map, std::size_t stride, std::span<const Area> counted) {
  std::array<double, 3> sums{};
  double pixels = 0;
  for (const Area& a : counted) {
    for (int y = a.top; y < a.top + a.height; ++y) {
      const float* row = map + static_cast<std::size_t>(y) * stride;
      for (int x = a.left; x < a.left + a.width; ++x) {
        double d = static_cast<double>(row[x]) * row[x] * row[x];
        sums[0] += d;
        d *= d;
        sums[1] += d;
        d *= d;
        sums[2] += d;
      }
    }
    pixels += static_cast<double>(a.width) * a.height;
  }
  if (pixels == 0) return 0;
  double v = 0;
  for (int i = 0; i < 3; ++i) v += std::pow(sums[i] / pixels, 1.0 / (k_norm * (1 << i)));
  return v / 3;
}

}  // namespace

MetricPixels metric_pixels(const vips::VImage& input, const presets::Colour& background) {
  const VipsCall call;
  try {
    vips::VImage image = input;
    if (image.get_typeof(VIPS_META_PAGE_HEIGHT) != 0 && image.get_int(VIPS_META_PAGE_HEIGHT) < image.height())
      image = image.extract_area(0, 0, image.width(), image.get_int(VIPS_META_PAGE_HEIGHT));
    if (image.interpretation() != VIPS_INTERPRETATION_sRGB || image.bands() < 3)
      image = image.colourspace(VIPS_INTERPRETATION_sRGB);
    if (image.has_alpha())
      image = image.flatten(vips::VImage::option()->set(
          "background", std::vector<double>{double(background.r), double(background.g), double(background.b)}));
    // libjxl refuses images under 8 pixels a side (a 798x20 banner at 100 wide is 100x3): edge pixels
    // repeated to that size, in the reference and the candidate alike, score the same differences.
    if (image.width() < k_min_side || image.height() < k_min_side)
      image = image.embed(0, 0, std::max(image.width(), k_min_side), std::max(image.height(), k_min_side),
                          vips::VImage::option()->set("extend", VIPS_EXTEND_COPY));
    image = image.cast(VIPS_FORMAT_UCHAR);
    MetricPixels out;
    out.width = image.width();
    out.height = image.height();
    std::size_t size = 0;
    void* memory = image.write_to_memory(&size);
    out.rgb.assign(static_cast<const char*>(memory), size);
    g_free(memory);
    return out;
  } catch (const vips::VError& e) {
    throw RenderError("cannot prepare pixels for butteraugli: " + first_line(e));
  }
}

double butteraugli(const MetricPixels& reference, const MetricPixels& candidate, std::span<const Area> counted) {
  if (reference.width != candidate.width || reference.height != candidate.height)
    throw RenderError(fmt::format("butteraugli: sizes differ ({}x{} and {}x{})", reference.width, reference.height,
                                  candidate.width, candidate.height));
  const std::unique_ptr<JxlButteraugliApi, Deleters> api(JxlButteraugliApiCreate(nullptr));
  if (!api) throw RenderError("butteraugli: libjxl could not be initialised");
  const JxlPixelFormat format{3, JXL_TYPE_UINT8, JXL_NATIVE_ENDIAN, 0};
  const std::unique_ptr<JxlButteraugliResult, Deleters> result(JxlButteraugliCompute(
      api.get(), static_cast<std::uint32_t>(reference.width), static_cast<std::uint32_t>(reference.height), &format,
      reference.rgb.data(), reference.rgb.size(), &format, candidate.rgb.data(), candidate.rgb.size()));
  if (!result) throw RenderError("butteraugli: libjxl could not compare the images");
  if (counted.empty()) return JxlButteraugliResultGetDistance(result.get(), k_norm);
  for (const Area& a : counted)
    if (a.left < 0 || a.top < 0 || a.width < 0 || a.height < 0 || a.left + a.width > reference.width ||
        a.top + a.height > reference.height)
      throw RenderError(fmt::format("butteraugli: area {}x{}+{}+{} outside the {}x{} image", a.width, a.height, a.left,
                                    a.top, reference.width, reference.height));
  const float* map = nullptr;
  std::uint32_t stride = 0;
  JxlButteraugliResultGetDistmap(result.get(), &map, &stride);
  return pnorm_over(map, stride, counted);
}

double butteraugli_of_encoded(const MetricPixels& reference, const std::string& bytes,
                              const presets::Colour& background, std::span<const Area> counted) {
  MetricPixels decoded;
  {
    const VipsCall call;
    try {
      decoded = metric_pixels(vips::VImage::new_from_buffer(bytes.data(), bytes.size(), ""), background);
    } catch (const vips::VError& e) {
      throw RenderError("cannot decode the encode to score it: " + first_line(e));
    }
  }
  return butteraugli(reference, decoded, counted);
}

}  // namespace prerender::render
