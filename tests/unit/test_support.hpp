#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "util/files.hpp"

namespace prerender::test {

// Warnings libvips emitted during the run; main() fails the run when any is left.
std::vector<std::string>& unexpected_warnings();

// The project's source folder (tests/fixtures lives there).
inline std::filesystem::path source_dir() {
  const char* env = std::getenv("PRERENDER_SOURCE_DIR");
  return env ? std::filesystem::path(env) : std::filesystem::path(PRERENDER_SOURCE_DIR);
}

inline std::filesystem::path fixture(const std::string& name) { return source_dir() / "tests" / "fixtures" / name; }

// A fresh temporary folder, removed when the object goes.
class TempDir : public util::TempDir {
 public:
  TempDir() : util::TempDir("prerender-test-") {}
};

}  // namespace prerender::test

#include <fstream>

namespace prerender::test {

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace prerender::test
