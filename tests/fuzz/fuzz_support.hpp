#pragma once
// What the libFuzzer targets share: a scratch folder for the input, and libvips set up as the tool runs it.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace prerender::fuzz {

// Writes the fuzzer's bytes as `name` in a folder of this process's own, and returns its path.
inline std::filesystem::path write_input(const std::uint8_t* data, std::size_t size, const char* name) {
  static const std::filesystem::path dir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "prerender-fuzz-XXXXXX").string();
    return std::filesystem::path(::mkdtemp(pattern.data()));
  }();
  const std::filesystem::path file = dir / name;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return file;
}

}  // namespace prerender::fuzz

#ifdef VIPS_INIT
// libvips as the tool runs it: one thread, no operation cache, untrusted loaders blocked, warnings quiet.
inline void prerender_fuzz_init_vips(char* argv0) {
  VIPS_INIT(argv0);
  vips_concurrency_set(1);
  vips_cache_set_max(0);
  vips_block_untrusted_set(TRUE);
  g_log_set_handler(
      "VIPS", G_LOG_LEVEL_WARNING, [](const gchar*, GLogLevelFlags, const gchar*, gpointer) {}, nullptr);
}
#endif
