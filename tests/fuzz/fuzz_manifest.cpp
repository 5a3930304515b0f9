// libFuzzer target: arbitrary bytes as a manifest, through the parser, the validator and the planner.
// Any input must end in a Manifest or in diagnostics: never a crash, a hang, or unbounded memory.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "engine/plan.hpp"
#include "manifest/manifest.hpp"

namespace {

std::filesystem::path scratch() {
  static const std::filesystem::path dir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "prerender-fuzz-XXXXXX").string();
    return std::filesystem::path(::mkdtemp(pattern.data()));
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path file = scratch() / "site.yaml";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  prerender::manifest::Diagnostics diagnostics;
  const prerender::manifest::Manifest manifest = prerender::manifest::load_manifest(file, diagnostics);
  if (manifest.assets.size() < 10000) prerender::engine::build_plan(manifest, {}, diagnostics, false);
  return 0;
}
