#include "render/source.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <vips/vips8>

#include "render/isolated.hpp"
#include "render/sniff.hpp"
#include "render/vips_util.hpp"
#include "util/units.hpp"

namespace prerender::render {
namespace {

// "; named .jpg" for a file whose name claims an image format its bytes do not hold.
std::string named_as(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view image : {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".heic", ".heif", ".tif", ".tiff", ".svg",
                                 ".svgz", ".jxl", ".jp2", ".bmp"})
    if (ext == image) return fmt::format("; named {}", path.extension().string());
  return "";
}

// The refusal of a file whose bytes begin like `format` but whose header libvips cannot read: what was
// found, then libvips' own words.
std::string header_refusal(const std::string& format, const std::string& reason) {
  std::string lowered = reason;
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string title = format_title(format);
  if (lowered.find("unsupported") != std::string::npos || lowered.find("not supported") != std::string::npos)
    return fmt::format("unsupported {}: {}", title, reason);
  if (lowered.find("security limit") != std::string::npos) return fmt::format("{} over the decoder's limits: {}", title, reason);
  return fmt::format("corrupt {}: cannot read the header: {}", title, reason);
}

}  // namespace

SourceInfo probe_source(const std::filesystem::path& path, const manifest::Limits& limits, Isolation isolation) {
  SourceInfo info;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw RenderError("source does not exist or is not a file");
  info.file_bytes = std::filesystem::file_size(path, ec);
  if (ec) throw RenderError("cannot read the source: " + ec.message());
  if (info.file_bytes == 0) throw RenderError("the source is an empty file");
  if (info.file_bytes > limits.max_file_bytes)
    throw RenderError(fmt::format("the source is {} ({} bytes), over limits.max_file_bytes ({})",
                                  util::format_size(info.file_bytes), info.file_bytes,
                                  util::format_size(limits.max_file_bytes)));
  const std::string head = read_head(path);
  info.format = sniff_format(head);
  if (std::find(limits.formats.begin(), limits.formats.end(), info.format) == limits.formats.end()) {
    if (info.format == "unknown") throw RenderError(describe_unknown(head) + named_as(path));
    throw RenderError(fmt::format("format '{}' is not allowed; list it in limits.formats to opt in", info.format));
  }
  if (!is_core_format(info.format) && isolation == Isolation::automatic) return probe_in_child(path, limits);
  const VipsCall call({path.filename().string(), info.format});
  try {
    vips::VSource source = vips::VSource::new_from_file(path.c_str());
    vips::VImage header = vips::VImage::new_from_source(
        source, "", vips::VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL)->set("fail_on", VIPS_FAIL_ON_WARNING));
    const char* loader = nullptr;
    if (vips_image_get_string(header.get_image(), VIPS_META_LOADER, &loader) == 0 && loader) info.loader = loader;
    info.width = header.width();
    info.height = header.height();
    if (header.get_typeof(VIPS_META_N_PAGES) != 0) info.frames = std::max(1, header.get_int(VIPS_META_N_PAGES));
    // Formats that stack frames vertically report one frame's height separately.
    if (header.get_typeof(VIPS_META_PAGE_HEIGHT) != 0) {
      const int page_height = header.get_int(VIPS_META_PAGE_HEIGHT);
      if (page_height > 0 && page_height < info.height) info.height = page_height;
    }
    if (header.get_typeof(VIPS_META_ORIENTATION) != 0 && header.get_int(VIPS_META_ORIENTATION) >= 5)
      std::swap(info.width, info.height);
    info.has_alpha = header.has_alpha();
    if (header.get_typeof("interlaced") != 0) info.progressive = header.get_int("interlaced") != 0;
    if (header.get_typeof("jpeg-chroma-subsample") != 0)
      info.full_chroma = std::string_view(header.get_string("jpeg-chroma-subsample")) == "4:4:4";
  } catch (const vips::VError& e) {
    throw RenderError(header_refusal(sniff_output_format(head), call.reason(e)));
  }
  const auto pixels = static_cast<std::uint64_t>(info.width) * static_cast<std::uint64_t>(info.height);
  if (pixels > limits.max_pixels)
    throw RenderError(fmt::format("the source is {}x{} = {} pixels, over limits.max_pixels ({}); refused before decoding",
                                  info.width, info.height, pixels, limits.max_pixels));
  if (info.frames > limits.max_frames)
    throw RenderError(fmt::format("the source has {} frames, over limits.max_frames ({})", info.frames, limits.max_frames));
  return info;
}

}  // namespace prerender::render
