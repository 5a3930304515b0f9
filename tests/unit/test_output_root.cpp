#include <doctest/doctest.h>

#include "output/atomic_write.hpp"
#include "output/journal.hpp"
#include "output/root.hpp"
#include "test_support.hpp"
#include "util/files.hpp"

using namespace prerender;
namespace fs = std::filesystem;

TEST_CASE("writes under an open output root go through its descriptor, even once its path names another folder") {
  test::TempDir dir;
  const fs::path root_path = dir.path() / "public";
  const output::OutputRoot root(root_path);
  fs::rename(root_path, dir.path() / "moved");
  fs::create_directories(root_path);  // a new folder where the root was
  output::write_atomically(root_path / "shows" / "hero.webp", "bytes");
  CHECK(util::read_file(dir.path() / "moved" / "shows" / "hero.webp") == "bytes");
  CHECK_FALSE(fs::exists(root_path / "shows"));
}

TEST_CASE("a linked folder below an output root is refused by name and nothing is written behind it") {
  test::TempDir dir;
  fs::create_directories(dir.path() / "elsewhere");
  test::write_file(dir.path() / "elsewhere" / "hero.webp", "precious");
  const output::OutputRoot root(dir.path() / "public");
  fs::create_directory_symlink(dir.path() / "elsewhere", dir.path() / "public" / "shows");
  try {
    root.write("shows/hero.webp", "new bytes");
    FAIL("the write went through the link");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()) == "'" + (dir.path() / "public" / "shows").string() +
                                       "' is a symbolic link: prerender never writes through links");
  }
  CHECK(util::read_file(dir.path() / "elsewhere" / "hero.webp") == "precious");
  CHECK(fs::is_symlink(dir.path() / "public" / "shows"));
}

TEST_CASE("the journal's torn last line is cut off and a link at its name is refused") {
  test::TempDir dir;
  const output::OutputRoot root(dir.path());
  output::RenditionRecord record;
  record.asset = "a", record.preset = "p", record.format = "webp", record.status = output::Status::rendered;
  test::write_file(dir.path() / "renditions.jsonl", output::to_json(record).dump() + "\n{\"asset\":\"torn");
  {
    output::Journal journal(root, "renditions.jsonl");
    CHECK(journal.records().size() == 1);
    record.preset = "q";
    journal.append(record);
  }
  const std::vector<output::RenditionRecord> back = output::Journal::read(dir.path() / "renditions.jsonl");
  REQUIRE(back.size() == 2);
  CHECK(back[1].preset == "q");

  test::write_file(dir.path() / "notes.txt", "precious");
  fs::create_symlink(dir.path() / "notes.txt", dir.path() / "linked.jsonl");
  CHECK_THROWS_WITH_AS(output::Journal(root, "linked.jsonl"),
                       doctest::Contains("linked.jsonl' is a symbolic link: prerender never writes through links"),
                       std::runtime_error);
  CHECK(util::read_file(dir.path() / "notes.txt") == "precious");
}
