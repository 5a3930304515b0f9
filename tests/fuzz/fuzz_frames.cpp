// libFuzzer target: arbitrary bytes as a multi-frame source (animated GIF/WebP, multi-page TIFF, HEIF
// image sequence), probed with its limits, then every frame decoded and halved frame by frame (level 1),
// as renditions keeping the animation decode it.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vips/vips8>

#include "render/master.hpp"
#include "render/sniff.hpp"
#include "render/source.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char*** argv) {
  prerender_fuzz_init_vips((*argv)[0]);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace render = prerender::render;
  const std::filesystem::path file = prerender::fuzz::write_input(data, size, "source");
  prerender::manifest::Limits limits;
  limits.max_pixels = 4'000'000;  // all frames counted: keeps each decode small
  limits.max_frames = 64;
  limits.max_seconds = 2;
  if (!render::is_core_format(render::sniff_file(file))) return 0;
  try {
    const render::SourceHandle source = render::open_source(file);
    const render::SourceInfo info = render::probe_source(*source, limits, render::Isolation::in_process);
    if (info.frames > 1) {
      const int frames = std::min(info.frames, limits.max_frames);
      render::decode_levels(*source, info, render::Decode{render::decode_base(info, 1), frames, {1}, {}}, limits,
                            render::Isolation::in_process);
    }
  } catch (const render::RenderError&) {
  }
  vips_error_clear();
  return 0;
}
