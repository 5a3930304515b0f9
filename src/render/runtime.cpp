#include "render/runtime.hpp"

#include <cstdio>
#include <mutex>
#include <vips/vips8>

#include "presets/preset.hpp"
#include "util/error.hpp"

namespace prerender::render {
namespace {

void forward(const gchar* domain, GLogLevelFlags, const gchar* message, gpointer self) {
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
  m_handler = g_log_set_handler("VIPS", static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE),
                                forward, this);
  vips_concurrency_set(1);
  vips_cache_set_max(0);
  vips_cache_set_max_mem(0);
  vips_cache_set_max_files(0);
  vips_block_untrusted_set(TRUE);
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

std::string libvips_version() {
  return std::to_string(vips_version(0)) + "." + std::to_string(vips_version(1)) + "." + std::to_string(vips_version(2));
}

std::vector<std::string> writable_formats() {
  std::vector<std::string> out;
  for (presets::Format format : {presets::Format::jpeg, presets::Format::png, presets::Format::webp, presets::Format::avif,
                                 presets::Format::heic, presets::Format::jxl, presets::Format::gif}) {
    const std::string suffix = "x." + std::string(presets::extension(format));
    if (vips_foreign_find_save_buffer(suffix.c_str())) out.emplace_back(presets::name(format));
    vips_error_clear();
  }
  return out;
}

}  // namespace prerender::render
