#define DOCTEST_CONFIG_IMPLEMENT
#include <cstdlib>
#include <doctest/doctest.h>

#include "render/runtime.hpp"
#include "test_support.hpp"

namespace prerender::test {

std::vector<std::string>& unexpected_warnings() {
  static std::vector<std::string> warnings;
  return warnings;
}

}  // namespace prerender::test

int main(int argc, char** argv) {
  // Sources decoded in a child process need the prerender binary, not this one.
  setenv("PRERENDER_CHILD", PRERENDER_BINARY, 0);
  // Any libvips warning fails the run: a misspelt option name is only a warning in libvips.
  prerender::render::VipsRuntime runtime(argv[0], [](std::string_view domain, std::string_view message) {
    prerender::test::unexpected_warnings().push_back(std::string(domain) + ": " + std::string(message));
  });
  doctest::Context context;
  context.applyCommandLine(argc, argv);
  const int result = context.run();
  if (context.shouldExit()) return result;
  for (const std::string& warning : prerender::test::unexpected_warnings())
    std::fprintf(stderr, "unexpected libvips warning: %s\n", warning.c_str());
  return result != 0 ? result : (prerender::test::unexpected_warnings().empty() ? 0 : 1);
}
