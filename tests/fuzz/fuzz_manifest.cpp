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
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path file = prerender::fuzz::write_input(data, size, "site.yaml");
  prerender::manifest::Diagnostics diagnostics;
  const prerender::manifest::Manifest manifest = prerender::manifest::load_manifest(file, diagnostics);
  if (manifest.assets.size() < 10000) prerender::engine::build_plan(manifest, {}, diagnostics, false);
  return 0;
}
