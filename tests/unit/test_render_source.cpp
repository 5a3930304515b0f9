#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <fstream>

#include "manifest/manifest.hpp"
#include "render/master.hpp"
#include "render/source.hpp"
#include "test_support.hpp"
#include "util/hash.hpp"
#include "util/source_file.hpp"

using namespace prerender;
namespace fs = std::filesystem;
using test::fixture;

namespace {

// Puts `replacement` at `path` as another file (a new inode), as a user or an attacker would between
// the probe and the decode.
void swap_in(const fs::path& replacement, const fs::path& path) {
  const fs::path staged = path.string() + ".new";
  fs::copy_file(replacement, staged, fs::copy_options::overwrite_existing);
  fs::rename(staged, path);
}

}  // namespace

TEST_CASE("a source swapped between probe and decode is decoded as probed, from the descriptor") {
  test::TempDir dir;
  const fs::path path = dir.path() / "photo.jpg";
  fs::copy_file(fixture("images/orient/portrait-1.jpg"), path);  // 308x410
  const render::SourceHandle source = render::open_source(path);
  const render::SourceInfo info = render::probe_source(*source, manifest::Limits{});
  REQUIRE(info.width == 308);
  swap_in(fixture("images/landscape-1.jpg"), path);  // 600x450, same loader: by path it would be decoded
  const std::vector<render::Master> masters = render::decode_levels(*source, info, render::Decode{0, 1, {0}, {}});
  CHECK(masters.front().image.width() == 308);
  CHECK(masters.front().image.height() == 410);
  CHECK(render::hash_source(*source, manifest::Limits{}, nullptr) ==
        util::file_hash(fixture("images/orient/portrait-1.jpg")));
}

TEST_CASE("a source changed in place to another format is refused, never decoded with another loader") {
  test::TempDir dir;
  const fs::path path = dir.path() / "photo.png";
  fs::copy_file(fixture("images/p3-8x8.png"), path);
  const render::SourceHandle source = render::open_source(path);
  const render::SourceInfo info = render::probe_source(*source, manifest::Limits{});
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);  // the same inode, now a JPEG
    std::ifstream in(fixture("images/landscape-1.jpg"), std::ios::binary);
    out << in.rdbuf();
  }
  CHECK_THROWS_WITH_AS(
      render::decode_levels(*source, info, render::Decode{0, 1, {0}, {}}),
      "the source now loads with jpegload_source, not pngload_source as probed: it changed since it was "
      "probed; refused",
      render::RenderError);
}

TEST_CASE("the isolated decoder refuses a source put in place of the one the parent probed") {
  test::TempDir dir;
  const fs::path path = dir.path() / "logo.svgz";
  fs::copy_file(fixture("images/svgz-logo.svgz"), path);
  manifest::Limits limits;
  limits.formats = {"svg"};
  const render::SourceHandle source = render::open_source(path);
  const render::SourceInfo info = render::probe_source(*source, limits);  // in a child process
  CHECK(render::decode_levels(*source, info, render::Decode{0, 1, {1}, {}}, limits).front().image.width() > 0);
  swap_in(fixture("images/svgz-logo.svgz"), path);  // the same bytes, another file
  CHECK_THROWS_WITH_AS(render::decode_levels(*source, info, render::Decode{0, 1, {1}, {}}, limits),
                       "the source changed since it was probed (another file, or new contents, at its path); refused",
                       render::RenderError);
}

TEST_CASE("hashing a source is refused over max_file_bytes, stopped by a signal and bounded in time") {
  test::TempDir dir;
  const fs::path path = dir.path() / "big.jpg";
  {
    std::ofstream out(path, std::ios::binary);
    const std::string chunk(1 << 20, 'x');
    for (int i = 0; i < 8; ++i) out << chunk;  // 8 MiB: several reads
  }
  const render::SourceHandle source = render::open_source(path);
  manifest::Limits limits;
  limits.max_file_bytes = 4u << 20;
  CHECK_THROWS_WITH_AS(render::hash_source(*source, limits, nullptr),
                       "the source is 8.0 MiB (8388608 bytes), over limits.max_file_bytes (4.0 MiB)",
                       render::RenderError);
  limits.max_file_bytes = 64u << 20;
  const std::atomic<int> signalled{SIGTERM};
  CHECK_THROWS_WITH_AS(render::hash_source(*source, limits, &signalled),
                       ("stopped by signal 15 while reading '" + path.string() + "'").c_str(), util::Interrupted);
  limits.max_seconds = 1e-9;
  CHECK_THROWS_WITH_AS(render::hash_source(*source, limits, nullptr),
                       ("cannot hash the source: reading '" + path.string() +
                        "' took over 1e-09 s (1048576 of 8388608 bytes "
                        "read): a slow device or a file that does not end")
                           .c_str(),
                       render::RenderError);
}

TEST_CASE("a source that grows while it is hashed is refused, not read on and on") {
  test::TempDir dir;
  const fs::path path = dir.path() / "growing.jpg";
  test::write_file(path, std::string(3 << 20, 'x'));
  const render::SourceHandle source = render::open_source(path);
  std::ofstream(path, std::ios::binary | std::ios::app) << std::string(1 << 20, 'y');  // a writer still at work
  CHECK_THROWS_WITH_AS(render::hash_source(*source, manifest::Limits{}, nullptr),
                       ("cannot hash the source: '" + path.string() +
                        "' changed while it was read (3145728 bytes when "
                        "opened, 4194304 now)")
                           .c_str(),
                       render::RenderError);
}

TEST_CASE("a FIFO, a device and a link are refused when the source is opened, without waiting") {
  test::TempDir dir;
  REQUIRE(::mkfifo((dir.path() / "pipe.jpg").c_str(), 0600) == 0);
  fs::create_symlink("/dev/zero", dir.path() / "zero.jpg");
  CHECK_THROWS_WITH_AS(render::open_source(dir.path() / "pipe.jpg"), "the source is a FIFO, not a regular file",
                       render::RenderError);
  CHECK_THROWS_WITH_AS(render::open_source("/dev/zero"), "the source is a character device, not a regular file",
                       render::RenderError);
  CHECK_THROWS_WITH_AS(render::open_source(dir.path() / "zero.jpg"),
                       "the source is a symbolic link; sources are read only from regular files", render::RenderError);
}
