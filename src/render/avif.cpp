#include "render/avif.hpp"

#include <cstring>
#include <fmt/format.h>
#include <libheif/heif.h>
#include <memory>

#include "render/source.hpp"

namespace prerender::render {
namespace {

void check(const heif_error& error, const char* what) {
  if (error.code != heif_error_Ok)
    throw RenderError(fmt::format("cannot encode avif: {}: {}", what, error.message ? error.message : "libheif error"));
}

struct Deleters {
  void operator()(heif_context* p) const { heif_context_free(p); }
  void operator()(heif_encoder* p) const { heif_encoder_release(p); }
  void operator()(heif_image* p) const { heif_image_release(p); }
  void operator()(heif_image_handle* p) const { heif_image_handle_release(p); }
  void operator()(heif_color_profile_nclx* p) const { heif_nclx_color_profile_free(p); }
  void operator()(heif_encoding_options* p) const { heif_encoding_options_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Deleters>;

heif_error append(heif_context*, const void* data, size_t size, void* out) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(data), size);
  return heif_error{heif_error_Ok, heif_suberror_Unspecified, "ok"};
}

}  // namespace

bool avif_direct_supported(const presets::EncodeSettings& s, const presets::Keep& keep) {
  return s.format == presets::Format::avif && s.bitdepth == 8 && !keep.exif && !keep.copyright;
}

std::string encode_avif(const vips::VImage& input, const presets::EncodeSettings& s, const presets::Keep& keep) {
  // 8-bit interleaved RGB(A): what libheif takes for an sRGB encode.
  vips::VImage image = input;
  if (image.bands() < 3) image = image.colourspace(VIPS_INTERPRETATION_sRGB);
  if (image.format() != VIPS_FORMAT_UCHAR) image = image.cast(VIPS_FORMAT_UCHAR);
  const bool alpha = image.bands() == 4;
  const int width = image.width(), height = image.height();
  std::size_t size = 0;
  std::unique_ptr<void, decltype(&g_free)> pixels(image.write_to_memory(&size), &g_free);

  Owned<heif_context> context(heif_context_alloc());
  heif_encoder* raw_encoder = nullptr;
  check(heif_context_get_encoder_for_format(context.get(), heif_compression_AV1, &raw_encoder), "no AV1 encoder");
  Owned<heif_encoder> encoder(raw_encoder);
  check(heif_encoder_set_lossy_quality(encoder.get(), s.quality), "quality");
  check(heif_encoder_set_lossless(encoder.get(), s.lossless ? 1 : 0), "lossless");
  // libvips' effort 0..9 is libheif's speed 9..0. One thread: parallelism belongs to the task graph, and
  // libheif's default of four threads per encode oversubscribes the cores when several assets encode.
  check(heif_encoder_set_parameter_integer(encoder.get(), "speed", 9 - s.effort), "speed");
  check(heif_encoder_set_parameter_integer(encoder.get(), "threads", 1), "threads");
  check(heif_encoder_set_parameter_string(encoder.get(), "chroma", s.chroma == presets::Chroma::s420 ? "420" : "444"),
        "chroma");

  heif_image* raw_image = nullptr;
  check(heif_image_create(width, height, heif_colorspace_RGB,
                          alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB, &raw_image),
        "image");
  Owned<heif_image> picture(raw_image);
  check(heif_image_add_plane(picture.get(), heif_channel_interleaved, width, height, 8), "plane");
  int stride = 0;
  std::uint8_t* plane = heif_image_get_plane(picture.get(), heif_channel_interleaved, &stride);
  const std::size_t row = static_cast<std::size_t>(width) * (alpha ? 4 : 3);
  for (int y = 0; y < height; ++y)
    std::memcpy(plane + static_cast<std::size_t>(y) * stride, static_cast<const std::uint8_t*>(pixels.get()) + y * row,
                row);
  if (keep.icc && image.get_typeof(VIPS_META_ICC_NAME) != 0) {
    std::size_t icc_size = 0;
    const void* icc = image.get_blob(VIPS_META_ICC_NAME, &icc_size);
    check(heif_image_set_raw_color_profile(picture.get(), "prof", icc, icc_size), "icc");
  }
  // Signal sRGB explicitly: BT.709 primaries, sRGB transfer, BT.601 matrix, full range.
  Owned<heif_color_profile_nclx> nclx(heif_nclx_color_profile_alloc());
  nclx->color_primaries = heif_color_primaries_ITU_R_BT_709_5;
  nclx->transfer_characteristics = heif_transfer_characteristic_IEC_61966_2_1;
  nclx->matrix_coefficients = heif_matrix_coefficients_ITU_R_BT_601_6;
  nclx->full_range_flag = 1;
  Owned<heif_encoding_options> options(heif_encoding_options_alloc());
  options->output_nclx_profile = nclx.get();
  heif_image_handle* raw_handle = nullptr;
  check(heif_context_encode_image(context.get(), picture.get(), encoder.get(), options.get(), &raw_handle), "encode");
  Owned<heif_image_handle> handle(raw_handle);
  std::string out;
  heif_writer writer{1, &append};
  check(heif_context_write(context.get(), &writer, &out), "write");
  return out;
}

}  // namespace prerender::render
