#include <doctest/doctest.h>
#include <set>
#include <string>

#include "child_support.hpp"
#include "output/atomic_write.hpp"
#include "output/root.hpp"
#include "test_support.hpp"
#include "util/files.hpp"

using namespace prerender;
namespace fs = std::filesystem;

namespace {

// The names in `folder`, temporaries included.
std::set<std::string> names_in(const fs::path& folder) {
  std::set<std::string> out;
  for (const fs::directory_entry& e : fs::directory_iterator(folder)) out.insert(e.path().filename().string());
  return out;
}

// What `write` throws, or "" when it does not.
template <typename Write>
std::string refusal(Write write) {
  try {
    write();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a write through a path component that is a file is refused and the file is left as it was") {
  test::TempDir dir;
  const output::OutputRoot root(dir.path() / "public");
  test::write_file(dir.path() / "public" / "shows", "a file, not a folder");
  CHECK(refusal([&] { root.write("shows/hero.webp", "new bytes"); }) ==
        "'" + (dir.path() / "public" / "shows").string() + "' is not a folder");
  CHECK(util::read_file(dir.path() / "public" / "shows") == "a file, not a folder");
  CHECK(names_in(dir.path() / "public") == std::set<std::string>{"shows"});
}

TEST_CASE("a folder at the file's name is not replaced and no temporary is left beside it") {
  test::TempDir dir;
  const output::OutputRoot root(dir.path() / "public");
  test::write_file(dir.path() / "public" / "hero.webp" / "inside.txt", "kept");
  CHECK(refusal([&] { root.write("hero.webp", "new bytes"); }) ==
        "cannot rename into '" + (dir.path() / "public" / "hero.webp").string() + "': Is a directory");
  CHECK(names_in(dir.path() / "public") == std::set<std::string>{"hero.webp"});
  CHECK(util::read_file(dir.path() / "public" / "hero.webp" / "inside.txt") == "kept");
}

TEST_CASE("a link at the file's name is refused, under a root and outside one, and its target is untouched") {
  test::TempDir dir;
  test::write_file(dir.path() / "precious.txt", "precious");
  {
    const output::OutputRoot root(dir.path() / "public");
    fs::create_symlink(dir.path() / "precious.txt", dir.path() / "public" / "hero.webp");
    CHECK(refusal([&] { root.write("hero.webp", "new bytes"); }) ==
          "'" + (dir.path() / "public" / "hero.webp").string() +
              "' is a symbolic link: prerender never writes through links");
    CHECK(names_in(dir.path() / "public") == std::set<std::string>{"hero.webp"});
    CHECK(fs::is_symlink(dir.path() / "public" / "hero.webp"));
  }
  // No root open: a file the user names (--metrics-file) must not be a link either.
  fs::create_directories(dir.path() / "reports");
  fs::create_symlink(dir.path() / "precious.txt", dir.path() / "reports" / "metrics.prom");
  CHECK(refusal([&] { output::write_atomically(dir.path() / "reports" / "metrics.prom", "new bytes"); }) ==
        "'" + (dir.path() / "reports" / "metrics.prom").string() +
            "' is a symbolic link: prerender never writes through links");
  CHECK(names_in(dir.path() / "reports") == std::set<std::string>{"metrics.prom"});
  CHECK(util::read_file(dir.path() / "precious.txt") == "precious");
}

TEST_CASE("a name too long for the file system fails with the system's reason and leaves no temporary") {
  test::TempDir dir;
  const output::OutputRoot root(dir.path() / "public");
  fs::create_directories(dir.path() / "public" / "shows");
  const std::string name = std::string(300, 'n') + ".webp";
  CHECK(refusal([&] { root.write("shows/" + name, "new bytes"); }) ==
        "cannot rename into '" + (dir.path() / "public" / "shows" / name).string() + "': File name too long");
  CHECK(names_in(dir.path() / "public" / "shows").empty());
}

TEST_CASE("a folder of a user-named file that is a file is refused by name") {
  test::TempDir dir;
  test::write_file(dir.path() / "reports", "a file, not a folder");
  const std::string error = refusal([&] { output::write_atomically(dir.path() / "reports" / "run.json", "{}"); });
  CHECK(error.rfind("cannot create folder '" + (dir.path() / "reports").string() + "': ", 0) == 0);
  CHECK(util::read_file(dir.path() / "reports") == "a file, not a folder");
}

TEST_CASE("a write cut short by a file-size limit fails, leaves the previous file whole and no temporary") {
  test::TempDir dir;
  const fs::path folder = dir.path() / "public";
  test::write_file(folder / "hero.webp", "previous bytes");
  // Past 1000 bytes a write fails (EFBIG): the 5000 bytes cannot all go in.
  const std::string message = test::in_child_with_file_size_limit(1000, [&] {
    const output::OutputRoot root(folder);
    return refusal([&] { root.write("hero.webp", std::string(5000, 'x')); });
  });
  CHECK(message == "cannot write '" + (folder / "hero.webp").string() + "': File too large");
  CHECK(util::read_file(folder / "hero.webp") == "previous bytes");
  CHECK(names_in(folder) == std::set<std::string>{"hero.webp"});
}
