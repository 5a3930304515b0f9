#include "render/encode.hpp"

#include <fmt/format.h>
#include <memory>
#include <string_view>
#include <vector>

#include "render/avif.hpp"
#include "render/container.hpp"
#include "render/source.hpp"
#include "render/vips_util.hpp"

namespace prerender::render {
namespace {

using presets::Format;

// libvips defines VIPS_VERSION_AT_LEAST from 8.15 on; the same test for the releases before.
#ifndef VIPS_VERSION_AT_LEAST
#define VIPS_VERSION_AT_LEAST(major, minor, micro)                                                    \
  (VIPS_MAJOR_VERSION > (major) || (VIPS_MAJOR_VERSION == (major) && VIPS_MINOR_VERSION > (minor)) || \
   (VIPS_MAJOR_VERSION == (major) && VIPS_MINOR_VERSION == (minor) && VIPS_MICRO_VERSION >= (micro)))
#endif

// Fields that shape the encoding of an animation; every other field a loader attached (EXIF tags, XMP,
// IPTC, Photoshop resources, ICC, PNG text chunks "png-comment-*", GIF comments, ...) is metadata and
// goes unless `keep` names it. An allow-list, so that a field a later libvips attaches is dropped too.
constexpr std::string_view k_shaping_fields[] = {VIPS_META_PAGE_HEIGHT, VIPS_META_N_PAGES, "delay", "loop",
                                                 "gif-delay",           "gif-loop"};

bool is_shaping(std::string_view name) {
  for (std::string_view field : k_shaping_fields)
    if (name == field) return true;
  return false;
}

// `keep: [copyright]` keeps the EXIF IFD0 Copyright and Artist tags, the only copyright notice libvips
// exposes field by field; XMP (dc:rights) is dropped whole, since the packet also carries places,
// faces and edit history that cannot be told apart without rewriting it.
bool is_copyright(std::string_view name) { return name == "exif-ifd0-Copyright" || name == "exif-ifd0-Artist"; }

bool is_builtin(std::string_view name) {
  for (std::string_view field : {"width", "height", "bands", "format", "coding", "interpretation", "xoffset", "yoffset",
                                 "xres", "yres", "filename"})
    if (name == field) return true;
  return false;
}

// The one place metadata is decided: a copy of `image` holding only the metadata `keep` names, so that no
// saver can write what was not kept, whatever its own options do (libvips 8.14's webpsave ignores
// `strip`). The EXIF block stays for `copyright` only when the image has a copyright tag; the tags not
// kept are removed as fields, and libvips drops a removed field's tag when it writes the block again.
vips::VImage kept_metadata(const vips::VImage& image, const presets::Keep& keep) {
  vips::VImage out = image.copy();
  std::vector<std::string> fields;
  char** names = vips_image_get_fields(out.get_image());
  for (char** f = names; *f; ++f) fields.emplace_back(*f);
  g_strfreev(names);
  bool has_copyright = false;
  for (const std::string& name : fields) has_copyright = has_copyright || is_copyright(name);
  const bool exif_block = keep.exif || (keep.copyright && has_copyright);
  for (const std::string& name : fields) {
    if (is_builtin(name) || is_shaping(name)) continue;
    if (name == VIPS_META_ICC_NAME && keep.icc) continue;
    if (name == VIPS_META_EXIF_NAME && exif_block) continue;
    if (name.rfind("exif-", 0) == 0 && (keep.exif || (keep.copyright && is_copyright(name)))) continue;
    out.remove(name.c_str());
  }
  return out;
}

// What every saver is told about metadata, in one place. The image holds only kept metadata by now, so
// the saver is asked to write all of it: with `strip` on libvips 8.14 (which has no finer control: strip
// off writes everything, and JPEG and HEIF savers then make up an EXIF block when there is none), with
// the `keep` flags from 8.15.
vips::VOption* saver_options(const vips::VImage& image) {
  return metadata_options(image.get_typeof(VIPS_META_ICC_NAME) != 0, image.get_typeof(VIPS_META_EXIF_NAME) != 0);
}

// The saver's bytes, without an EXIF block it wrote on its own: libvips 8.14 writes one (orientation,
// resolution, dimensions) into every WebP, and into a JPEG whenever strip is off, as it is to keep an
// ICC profile.
std::string as_kept(VipsBlob* blob, const vips::VImage& image) {
  std::string bytes = to_string(blob);
  return image.get_typeof(VIPS_META_EXIF_NAME) != 0 ? bytes : without_exif(std::move(bytes));
}

}  // namespace

vips::VOption* metadata_options(bool icc, bool exif) {
#if VIPS_VERSION_AT_LEAST(8, 15, 0)
  int flags = VIPS_FOREIGN_KEEP_NONE;
  if (icc) flags |= VIPS_FOREIGN_KEEP_ICC;
  if (exif) flags |= VIPS_FOREIGN_KEEP_EXIF;
  return vips::VImage::option()->set("keep", flags);
#else
  return vips::VImage::option()->set("strip", !icc && !exif);
#endif
}

std::string encode(const vips::VImage& input, const presets::EncodeSettings& s, const presets::Keep& keep) {
  const VipsCall call(
      {std::string(presets::name(s.format)), s.format == Format::avif || s.format == Format::heic ? "heif" : ""});
  try {
    const vips::VImage image = kept_metadata(input, keep);
    const VipsForeignSubsample subsample =
        s.chroma == presets::Chroma::s420 ? VIPS_FOREIGN_SUBSAMPLE_ON : VIPS_FOREIGN_SUBSAMPLE_OFF;
    switch (s.format) {
      case Format::jpeg:
        return as_kept(image.jpegsave_buffer(saver_options(image)
                                                 ->set("Q", s.quality)
                                                 ->set("optimize_coding", true)
                                                 ->set("interlace", s.progressive)
                                                 ->set("subsample_mode", subsample)),
                       image);
      case Format::png: {
        vips::VImage png = s.bitdepth == 16 ? image.colourspace(image.bands() <= 2 ? VIPS_INTERPRETATION_GREY16
                                                                                   : VIPS_INTERPRETATION_RGB16)
                                            : image;
        auto* options = saver_options(image)
                            ->set("compression", s.effort)
                            ->set("palette", s.palette)
                            ->set("bitdepth", s.bitdepth)
                            ->set("interlace", false);
        if (s.palette) options->set("Q", s.quality);
        return to_string(png.pngsave_buffer(options));
      }
      case Format::webp:
        return as_kept(image.webpsave_buffer(saver_options(image)
                                                 ->set("Q", s.quality)
                                                 ->set("lossless", s.lossless)
                                                 ->set("effort", s.effort)
                                                 ->set("smart_subsample", false)),
                       image);
      case Format::avif:
        if (avif_direct_supported(s, keep)) return encode_avif(image, s, keep);
        [[fallthrough]];
      case Format::heic:
        return to_string(image.heifsave_buffer(saver_options(image)
                                                   ->set("Q", s.quality)
                                                   ->set("compression", s.format == Format::avif
                                                                            ? VIPS_FOREIGN_HEIF_COMPRESSION_AV1
                                                                            : VIPS_FOREIGN_HEIF_COMPRESSION_HEVC)
                                                   ->set("effort", s.effort)
                                                   ->set("subsample_mode", subsample)
                                                   ->set("bitdepth", s.bitdepth)
                                                   ->set("lossless", s.lossless)));
      case Format::jxl:
        return to_string(image.jxlsave_buffer(
            saver_options(image)->set("Q", s.quality)->set("effort", s.effort)->set("lossless", s.lossless)));
      case Format::gif:
        return to_string(
            image.gifsave_buffer(saver_options(image)->set("effort", s.effort)->set("bitdepth", s.bitdepth)));
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
  int smallest_quality = settings.quality;
  auto try_quality = [&](int q) {
    settings.quality = q;
    std::string bytes = encode(image, settings, keep);
    ++best.encodes;
    if (bytes.size() < smallest) smallest = bytes.size(), smallest_quality = q;
    const bool fits = bytes.size() <= *max_bytes;
    if (fits) fit = Budgeted{std::move(bytes), q, 0};
    return fits;
  };
  bool tried_lowest = false;
  while (low <= high && best.encodes < 8) {
    const int q = (low + high) / 2;
    tried_lowest = tried_lowest || q == 1;
    if (try_quality(q))
      low = q + 1;
    else
      high = q - 1;
  }
  // Nothing fitted and quality 1, the last chance, was never tried (the encodes ran out first). Once tried,
  // its size is known: encoding it again would only cost time.
  if (!fit && !tried_lowest && best.encodes < 8) try_quality(1);
  if (!fit)
    throw RenderError(
        fmt::format("cannot fit max_bytes {} as {}: the smallest output reached was {} bytes (quality {})", *max_bytes,
                    presets::name(settings.format), smallest, smallest_quality));
  fit->encodes = best.encodes;
  return *fit;
}

}  // namespace prerender::render
