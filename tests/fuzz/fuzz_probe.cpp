// libFuzzer target: arbitrary bytes as a source image, through format sniffing, the header probe with its
// limits, and (for core formats, decoded in-process) a small decode. Opt-in formats go to a child process
// in real runs and are only sniffed here.
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
  const std::filesystem::path file = prerender::fuzz::write_input(data, size, "source");
  prerender::manifest::Limits limits;
  limits.max_pixels = 4'000'000;  // keep each decode small: the fuzzer wants many executions
  limits.max_seconds = 2;
  if (!prerender::render::is_core_format(prerender::render::sniff_file(file))) return 0;
  try {
    const prerender::render::SourceInfo info =
        prerender::render::probe_source(file, limits, prerender::render::Isolation::in_process);
    prerender::render::decode_master(file, info, prerender::render::metadata_level(info), 1, limits,
                                     prerender::render::Isolation::in_process);
  } catch (const prerender::render::RenderError&) {
  }
  vips_error_clear();
  return 0;
}
