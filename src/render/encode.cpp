#include "render/encode.hpp"

#include <fmt/format.h>
#include <memory>

#include "render/avif.hpp"
#include "render/source.hpp"
#include "render/vips_util.hpp"

namespace prerender::render {
namespace {

using presets::Format;

// Removes the metadata a preset does not keep. libvips 8.14 only strips all or nothing, so what is not
// kept is removed from a copy before saving with strip off.
vips::VImage with_kept_metadata(const vips::VImage& image, const presets::Keep& keep) {
  vips::VImage out = image.copy();
  std::vector<std::string> remove;
  char** fields = vips_image_get_fields(out.get_image());
  for (char** f = fields; *f; ++f) {
    const std::string name = *f;
    const bool is_exif = name.rfind("exif-", 0) == 0;
    if (name == VIPS_META_ICC_NAME && !keep.icc) remove.push_back(name);
    else if (name == VIPS_META_XMP_NAME || name == VIPS_META_IPTC_NAME || name == VIPS_META_PHOTOSHOP_NAME) remove.push_back(name);
    else if (name == VIPS_META_EXIF_NAME && !keep.exif && !keep.copyright) remove.push_back(name);
    else if (is_exif && name != VIPS_META_EXIF_NAME && !keep.exif &&
             !(keep.copyright && (name == "exif-ifd0-Copyright" || name == "exif-ifd0-Artist")))
      remove.push_back(name);
  }
  g_strfreev(fields);
  for (const std::string& name : remove) out.remove(name.c_str());
  return out;
}

}  // namespace

std::string encode(const vips::VImage& input, const presets::EncodeSettings& s, const presets::Keep& keep) {
  const bool strip = !keep.icc && !keep.exif && !keep.copyright;
  try {
    const vips::VImage image = strip ? input : with_kept_metadata(input, keep);
    const VipsForeignSubsample subsample = s.chroma == presets::Chroma::s420 ? VIPS_FOREIGN_SUBSAMPLE_ON : VIPS_FOREIGN_SUBSAMPLE_OFF;
    switch (s.format) {
      case Format::jpeg:
        return to_string(image.jpegsave_buffer(vips::VImage::option()
                                                   ->set("Q", s.quality)
                                                   ->set("optimize_coding", true)
                                                   ->set("interlace", s.progressive)
                                                   ->set("subsample_mode", subsample)
                                                   ->set("strip", strip)));
      case Format::png: {
        vips::VImage png = s.bitdepth == 16 ? image.colourspace(image.bands() <= 2 ? VIPS_INTERPRETATION_GREY16 : VIPS_INTERPRETATION_RGB16) : image;
        auto* options = vips::VImage::option()
                            ->set("compression", s.effort)
                            ->set("palette", s.palette)
                            ->set("bitdepth", s.bitdepth)
                            ->set("interlace", false)
                            ->set("strip", strip);
        if (s.palette) options->set("Q", s.quality);
        return to_string(png.pngsave_buffer(options));
      }
      case Format::webp:
        return to_string(image.webpsave_buffer(vips::VImage::option()
                                                   ->set("Q", s.quality)
                                                   ->set("lossless", s.lossless)
                                                   ->set("effort", s.effort)
                                                   ->set("smart_subsample", false)
                                                   ->set("strip", strip)));
      case Format::avif:
        if (avif_direct_supported(s, keep)) return encode_avif(image, s, keep);
        [[fallthrough]];
      case Format::heic:
        return to_string(image.heifsave_buffer(
            vips::VImage::option()
                ->set("Q", s.quality)
                ->set("compression", s.format == Format::avif ? VIPS_FOREIGN_HEIF_COMPRESSION_AV1 : VIPS_FOREIGN_HEIF_COMPRESSION_HEVC)
                ->set("effort", s.effort)
                ->set("subsample_mode", subsample)
                ->set("bitdepth", s.bitdepth)
                ->set("lossless", s.lossless)
                ->set("strip", strip)));
      case Format::jxl:
        return to_string(image.jxlsave_buffer(vips::VImage::option()
                                                  ->set("Q", s.quality)
                                                  ->set("effort", s.effort)
                                                  ->set("lossless", s.lossless)
                                                  ->set("strip", strip)));
      case Format::gif:
        return to_string(image.gifsave_buffer(
            vips::VImage::option()->set("effort", s.effort)->set("bitdepth", s.bitdepth)->set("strip", strip)));
    }
  } catch (const vips::VError& e) {
    throw RenderError(fmt::format("cannot encode {}: {}", presets::name(s.format), first_line(e)));
  }
  throw RenderError("unknown format");
}

Budgeted encode_within(const vips::VImage& image, presets::EncodeSettings settings, const presets::Keep& keep,
                       std::optional<std::uint64_t> max_bytes) {
  Budgeted best;
  best.quality = settings.quality;
  best.bytes = encode(image, settings, keep);
  best.encodes = 1;
  if (!max_bytes || best.bytes.size() <= *max_bytes) return best;
  // Bisection over [1, quality - 1] for the highest quality that fits.
  int low = 1, high = settings.quality - 1;
  std::optional<Budgeted> fit;
  std::size_t smallest = best.bytes.size();
  while (low <= high && best.encodes < 8) {
    const int q = (low + high) / 2;
    settings.quality = q;
    std::string bytes = encode(image, settings, keep);
    ++best.encodes;
    smallest = std::min(smallest, bytes.size());
    if (bytes.size() <= *max_bytes) {
      fit = Budgeted{std::move(bytes), q, 0};
      low = q + 1;
    } else {
      high = q - 1;
    }
  }
  if (!fit && low == 1 && best.encodes < 9) {
    // Nothing fitted yet and quality 1 was never tried: it is the last chance.
    settings.quality = 1;
    std::string bytes = encode(image, settings, keep);
    ++best.encodes;
    smallest = std::min(smallest, bytes.size());
    if (bytes.size() <= *max_bytes) fit = Budgeted{std::move(bytes), 1, 0};
  }
  if (!fit)
    throw RenderError(fmt::format("cannot fit max_bytes {} as {}: the smallest output reached was {} bytes (quality {})",
                                  *max_bytes, presets::name(settings.format), smallest, low));
  fit->encodes = best.encodes;
  return *fit;
}

}  // namespace prerender::render
