#include "render/compare.hpp"

#include <algorithm>

#include "render/encode.hpp"
#include "render/master.hpp"
#include "render/sniff.hpp"
#include "render/source.hpp"
#include "render/vips_util.hpp"
#include "util/files.hpp"

namespace prerender::render {
namespace {

// Outputs are compared whatever the manifest accepts as sources: every format prerender writes.
manifest::Limits comparison_limits(const manifest::Limits& limits) {
  manifest::Limits out = limits;
  out.formats = {"jpeg", "png", "webp", "gif", "heif", "jxl", "tiff"};
  return out;
}

// R, G, B and alpha in 0..1 floats, colour premultiplied by alpha: a colour change under a transparent
// pixel is invisible and does not count; grey is spread over three bands so grey and colour compare.
vips::VImage comparable(const vips::VImage& in) {
  const bool alpha = in.has_alpha();
  vips::VImage colour = alpha ? in.extract_band(0, vips::VImage::option()->set("n", in.bands() - 1)) : in;
  if (colour.bands() == 1) colour = vips::VImage::bandjoin({colour, colour, colour});
  vips::VImage a = alpha ? in.extract_band(in.bands() - 1) : colour.extract_band(0) * 0 + 255;
  a = a.cast(VIPS_FORMAT_FLOAT) / 255.0;
  return (colour.cast(VIPS_FORMAT_FLOAT) / 255.0 * a).bandjoin(a);
}

vips::VImage window(const vips::VImage& image) {
  // The Gaussian window of the SSIM paper (sigma 1.5), cut where it falls under 1% of its peak.
  return image.gaussblur(1.5, vips::VImage::option()->set("min_ampl", 0.01)->set("precision", VIPS_PRECISION_FLOAT));
}

// 1 - SSIM per pixel, averaged over the bands: the paper's formula with its constants for a dynamic
// range of 1, means and (co)variances over the Gaussian window.
vips::VImage dissimilarity_map(const vips::VImage& x, const vips::VImage& y) {
  const vips::VImage mx = window(x), my = window(y);
  const vips::VImage sxx = window(x * x) - mx * mx;
  const vips::VImage syy = window(y * y) - my * my;
  const vips::VImage sxy = window(x * y) - mx * my;
  constexpr double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
  const vips::VImage ssim = ((mx * my * 2.0 + c1) * (sxy * 2.0 + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2));
  return (1.0 - ssim.bandmean()).copy_memory();  // one band, in memory: read by the score and the heat map
}

// The mean of a map over what can be seen: each pixel weighs as much as the more opaque of the two
// images there, so that a logo on a transparent canvas is judged on the logo, not diluted by the canvas.
double visible_mean(const vips::VImage& map, const vips::VImage& x, const vips::VImage& y) {
  const vips::VImage ax = x[x.bands() - 1], ay = y[y.bands() - 1];
  const vips::VImage weight = (ax > ay).ifthenelse(ax, ay);
  const double coverage = weight.avg();
  return coverage > 1e-6 ? (map * weight).avg() / coverage : 0.0;
}

// Scales averaged into the score, and the smallest side a scale may have (a window needs room).
constexpr int k_scales = 3;
constexpr int k_min_side = 8;

// The reference faded to a light grey, the per-pixel difference painted over it in false colour: a
// reviewer sees at once where pixels moved and on what.
vips::VImage paint_heat_map(const vips::VImage& reference, const vips::VImage& dissimilarity) {
  // A per-pixel dissimilarity of 0.25 is already a plainly visible change: full colour from there on.
  constexpr double k_full_scale = 0.25;
  vips::VImage scaled = dissimilarity * (255.0 / k_full_scale);
  scaled = (scaled > 255.0).ifthenelse(255.0, (scaled < 0.0).ifthenelse(0.0, scaled)).cast(VIPS_FORMAT_UCHAR);
  const vips::VImage heat = scaled.falsecolour();
  vips::VImage base = reference.has_alpha()
                          ? reference.flatten(vips::VImage::option()->set("background", std::vector<double>{255.0}))
                          : reference;
  if (base.bands() >= 3) base = base.colourspace(VIPS_INTERPRETATION_B_W);
  base = base.extract_band(0).cast(VIPS_FORMAT_FLOAT) * 0.45 + 140.0;
  base = vips::VImage::bandjoin({base, base, base});
  const vips::VImage weight = scaled.cast(VIPS_FORMAT_FLOAT) / 255.0;
  const vips::VImage out = base * (1.0 - weight) + heat.cast(VIPS_FORMAT_FLOAT) * weight;
  return out.cast(VIPS_FORMAT_UCHAR).copy(vips::VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
}

}  // namespace

Decoded decode_for_comparison(const std::filesystem::path& path, const manifest::Limits& limits) {
  const manifest::Limits wide = comparison_limits(limits);
  const SourceHandle file = open_source(path);
  const SourceInfo info = probe_source(*file, wide);
  const std::vector<Master> masters = decode_levels(*file, info, Decode{0, info.frames, {0}, {}}, wide);
  const Master& master = masters.front();
  return {master.image, master.image.width(), master.page_height, master.frames, sniff_output_format(file->head(512))};
}

Comparison compare(const vips::VImage& reference, const vips::VImage& candidate, HeatMap heat_map) {
  Comparison out;
  try {
    vips::VImage x = comparable(reference).copy_memory();
    vips::VImage y = comparable(candidate).copy_memory();
    // The full-size map shows where pixels moved; the score averages three scales, as a viewer sees the
    // image from a little further each time, so that codec noise in single pixels weighs less than a
    // change of shapes or colours (two JPEG encodes one quality step apart score about 0.003-0.012, ten
    // steps apart 0.013-0.03 on 160-pixel photos).
    const vips::VImage dissimilarity = dissimilarity_map(x, y);
    double total = visible_mean(dissimilarity, x, y);
    int scales = 1;
    for (; scales < k_scales && x.width() >= 2 * k_min_side && x.height() >= 2 * k_min_side; ++scales) {
      x = x.shrink(2, 2).copy_memory();
      y = y.shrink(2, 2).copy_memory();
      total += visible_mean(dissimilarity_map(x, y), x, y);
    }
    out.difference = std::clamp(total / scales, 0.0, 1.0);
    if (heat_map == HeatMap::yes) out.heat_map = paint_heat_map(reference, dissimilarity).copy_memory();
  } catch (const vips::VError& e) {
    throw RenderError("cannot compare: " + first_line(e));
  }
  return out;
}

std::string browser_image(const std::filesystem::path& path, const manifest::Limits& limits, std::string& mime) {
  const std::string format = sniff_output_format_of(path);
  for (const char* shown : {"jpeg", "png", "webp", "gif", "avif"}) {
    if (format == shown) {
      mime = "image/" + format;
      try {
        return util::read_file(path);
      } catch (const std::exception& e) {
        throw RenderError(e.what());
      }
    }
  }
  const Decoded decoded = decode_for_comparison(path, limits);
  mime = "image/png";
  try {
    const vips::VImage first = decoded.image.crop(0, 0, decoded.width, decoded.height);
    return to_string(first.pngsave_buffer(metadata_options(false, false)->set("compression", 6)));
  } catch (const vips::VError& e) {
    throw RenderError("cannot convert for display: " + first_line(e));
  }
}

std::string report_image(const vips::VImage& image) {
  // WebP stops at 16383 pixels a side: a tall strip of animation frames is cut there.
  constexpr int k_webp_limit = 16383;
  try {
    const vips::VImage shown =
        image.height() > k_webp_limit || image.width() > k_webp_limit
            ? image.crop(0, 0, std::min(image.width(), k_webp_limit), std::min(image.height(), k_webp_limit))
            : image;
    return to_string(shown.webpsave_buffer(metadata_options(false, false)->set("Q", 80)));
  } catch (const vips::VError& e) {
    throw RenderError("cannot encode a report image: " + first_line(e));
  }
}

}  // namespace prerender::render
