#include "render/runtime.hpp"

#include <cstdio>
#include <mutex>
#include <vips/vips8>

#include "presets/format_defaults.hpp"
#include "presets/preset.hpp"
#include "render/encode.hpp"
#include "render/source.hpp"
#include "render/vips_util.hpp"
#include "util/error.hpp"

namespace prerender::render {
namespace {

void forward(const gchar* domain, GLogLevelFlags, const gchar* message, gpointer self) {
  note_libvips_warning(message ? message : "");
  static_cast<VipsRuntime*>(self)->warn(domain ? domain : "libvips", message ? message : "");
}

}  // namespace

void VipsRuntime::warn(std::string_view domain, std::string_view message) {
  std::lock_guard lock(m_mutex);
  if (m_sink) {
    m_sink(domain, message);
  } else {
    std::fprintf(stderr, "prerender: warning: %.*s: %.*s\n", static_cast<int>(domain.size()), domain.data(),
                 static_cast<int>(message.size()), message.data());
  }
}

VipsRuntime::VipsRuntime(const char* argv0, WarningSink on_warning) {
  if (VIPS_INIT(argv0 ? argv0 : "prerender") != 0) {
    std::string reason = vips_error_buffer();
    vips_error_clear();
    throw util::FatalError("cannot start libvips: " + reason);
  }
  set_warning_sink(std::move(on_warning));
  m_handler =
      g_log_set_handler("VIPS", static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE), forward, this);
  vips_concurrency_set(1);
  vips_cache_set_max(0);
  vips_cache_set_max_mem(0);
  vips_cache_set_max_files(0);
  vips_block_untrusted_set(TRUE);
  unblock_savers();
  require_exif_orientation();
}

void VipsRuntime::unblock_savers() {
  // libvips 8.14 marks the JPEG XL operations untrusted, savers included. Encoding our own pixels is not
  // where hostile input enters, so the saver is allowed; the loader stays blocked unless opted in.
  vips_operation_block_set("VipsForeignSaveJxl", FALSE);
}

void VipsRuntime::require_exif_orientation() {
  // A JPEG written with orientation 6 must read back as 6; a libvips built without libexif neither writes
  // nor reads it, and every rotated phone photo would then come out sideways.
  try {
    vips::VImage probe = vips::VImage::black(2, 1).copy();
    probe.set(VIPS_META_ORIENTATION, 6);
    VipsBlob* blob = probe.jpegsave_buffer();
    std::size_t size = 0;
    const void* data = vips_blob_get(blob, &size);
    vips::VImage back = vips::VImage::new_from_buffer(data, size, "");
    const int orientation = back.get_typeof(VIPS_META_ORIENTATION) != 0 ? back.get_int(VIPS_META_ORIENTATION) : 1;
    vips_area_unref(VIPS_AREA(blob));
    if (orientation == 6) return;
  } catch (const vips::VError&) {
  }
  throw util::FatalError(
      "this libvips cannot read EXIF orientation (built without libexif?): photos would not be "
      "turned upright, so prerender refuses to run");
}

void allow_untrusted_loaders(bool allow) {
  vips_block_untrusted_set(allow ? FALSE : TRUE);
  VipsRuntime::unblock_savers();
}

VipsRuntime::~VipsRuntime() {
  if (m_handler) g_log_remove_handler("VIPS", m_handler);
  set_warning_sink({});
  vips_shutdown();
}

void VipsRuntime::set_warning_sink(WarningSink sink) {
  std::lock_guard lock(m_mutex);
  m_sink = std::move(sink);
}

void release_thread() { vips_thread_shutdown(); }

void allow_formats(const std::vector<std::string>& families) {
  for (const std::string& family : families) {
    if (family == "jxl")
      vips_operation_block_set("VipsForeignLoadJxl", FALSE);
    else if (family == "svg")
      vips_operation_block_set("VipsForeignLoadSvg", FALSE);
    else if (family == "jp2k")
      vips_operation_block_set("VipsForeignLoadJp2k", FALSE);
    else if (family == "pdf")
      vips_operation_block_set("VipsForeignLoadPdf", FALSE);
  }
}

std::string libvips_version() {
  return std::to_string(vips_version(0)) + "." + std::to_string(vips_version(1)) + "." +
         std::to_string(vips_version(2));
}

std::vector<std::string> writable_formats() {
  // Encoding a tiny image is the only sure test: a saver can exist while its codec (AV1, HEVC) does not.
  std::vector<std::string> out;
  const vips::VImage pixel = vips::VImage::black(8, 8, vips::VImage::option()->set("bands", 3)).cast(VIPS_FORMAT_UCHAR);
  for (const presets::FormatTraits& t : presets::all_traits()) {
    try {
      encode(pixel, t.defaults, presets::Keep{});
      out.emplace_back(presets::name(t.format));
    } catch (const RenderError&) {
    }
  }
  return out;
}

}  // namespace prerender::render
