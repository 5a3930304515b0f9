#include "render/source.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fmt/format.h>
#include <vips/vips8>

#include "render/isolated.hpp"
#include "render/sniff.hpp"
#include "render/vips_util.hpp"
#include "util/readable.hpp"
#include "util/units.hpp"

namespace prerender::render {
namespace {

// "; named .jpg" for a file whose name claims an image format its bytes do not hold.
std::string named_as(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view image : {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".heic", ".heif", ".tif", ".tiff",
                                 ".svg", ".svgz", ".jxl", ".jp2", ".bmp"})
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
  if (lowered.find("security limit") != std::string::npos)
    return fmt::format("{} over the decoder's limits: {}", title, reason);
  return fmt::format("corrupt {}: cannot read the header: {}", title, reason);
}

void check_file_size(std::uint64_t bytes, const manifest::Limits& limits) {
  if (bytes > limits.max_file_bytes)
    throw RenderError(fmt::format("the source is {} ({} bytes), over limits.max_file_bytes ({})",
                                  util::format_size(bytes), bytes, util::format_size(limits.max_file_bytes)));
}

}  // namespace

vips::VSource source_of(const util::SourceFile& file) {
  // A descriptor of its own, at the start of the file: libvips reads with read() and seeks, which a
  // dup() would share with every other reader of the descriptor. /proc/self/fd/N reopens the same
  // file (never the path, which may hold another one by now).
  int fd = ::open(fmt::format("/proc/self/fd/{}", file.fd()).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fd = ::fcntl(file.fd(), F_DUPFD_CLOEXEC, 0);
    if (fd >= 0) ::lseek(fd, 0, SEEK_SET);
  }
  if (fd < 0) throw RenderError(fmt::format("cannot read the source: {}", std::strerror(errno)));
  struct Close {
    int fd;
    ~Close() { ::close(fd); }
  } close{fd};
  return vips::VSource::new_from_descriptor(fd);  // libvips keeps a dup() of its own
}

SourceHandle open_source(const std::filesystem::path& path) {
  // Told apart by what the descriptor is: only a regular file is read.
  SourceHandle file;
  try {
    file = util::SourceFile::open(path);
  } catch (const std::system_error& e) {
    const int error = e.code().value();
    if (error == ELOOP) throw RenderError("the source is a symbolic link; sources are read only from regular files");
    const std::string reason = util::unreadable_file_reason(path);  // the running user's view: a folder's permission
    if (error == ENOENT && (reason.empty() || reason == "it does not exist"))
      throw RenderError("source does not exist or is not a file: " + path.string());
    throw RenderError("cannot read the source: " + (reason.empty() ? std::string(std::strerror(error)) : reason));
  }
  if (!file->regular()) throw RenderError(fmt::format("the source is {}, not a regular file", file->kind()));
  return file;
}

std::string hash_source(const util::SourceFile& file, const manifest::Limits& limits, const std::atomic<int>* stop) {
  check_file_size(file.identity().size, limits);
  try {
    return file.hash(util::ReadBounds{limits.max_seconds, stop});
  } catch (const util::Interrupted&) {
    throw;
  } catch (const std::exception& e) {
    throw RenderError(fmt::format("cannot hash the source: {}", e.what()));
  }
}

SourceInfo probe_source(const std::filesystem::path& path, const manifest::Limits& limits, Isolation isolation) {
  return probe_source(*open_source(path), limits, isolation);
}

SourceInfo probe_source(const util::SourceFile& file, const manifest::Limits& limits, Isolation isolation) {
  const std::filesystem::path& path = file.path();
  SourceInfo info;
  info.file_bytes = file.identity().size;
  if (info.file_bytes == 0) throw RenderError("the source is an empty file");
  check_file_size(info.file_bytes, limits);
  const std::string head = file.head(512);
  info.format = sniff_format(head);
  if (std::find(limits.formats.begin(), limits.formats.end(), info.format) == limits.formats.end()) {
    if (info.format == "unknown") throw RenderError(describe_unknown(head) + named_as(path));
    throw RenderError(fmt::format("format '{}' is not allowed; list it in limits.formats to opt in", info.format));
  }
  if (!is_core_format(info.format) && isolation == Isolation::automatic) return probe_in_child(file, limits);
  const VipsCall call({path.filename().string(), info.format});
  try {
    vips::VSource source = source_of(file);
    vips::VImage header = vips::VImage::new_from_source(
        source, "",
        vips::VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL)->set("fail_on", VIPS_FAIL_ON_WARNING));
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
  if (info.frames > limits.max_frames)
    throw RenderError(
        fmt::format("the source has {} frames, over limits.max_frames ({})", info.frames, limits.max_frames));
  // Every frame counts, whether or not a rendition keeps the animation: a few kilobytes of GIF can hold
  // hundreds of large frames, and what a decode may hold must be known from the header alone.
  const auto frame_pixels = static_cast<std::uint64_t>(info.width) * static_cast<std::uint64_t>(info.height);
  const std::uint64_t pixels = frame_pixels * static_cast<std::uint64_t>(info.frames);
  if (pixels > limits.max_pixels && info.frames == 1)
    throw RenderError(
        fmt::format("the source is {}x{} = {} pixels, over limits.max_pixels ({}); refused before decoding", info.width,
                    info.height, pixels, limits.max_pixels));
  if (pixels > limits.max_pixels)
    throw RenderError(
        fmt::format("the source is {} frames of {}x{} = {} pixels, over limits.max_pixels ({}, all {} frames counted); "
                    "refused before decoding",
                    info.frames, info.width, info.height, pixels, limits.max_pixels, info.frames));
  return info;
}

}  // namespace prerender::render
