#include <doctest/doctest.h>

#include <chrono>

#include "output/atomic_write.hpp"
#include "output/journal.hpp"
#include "output/journal_index.hpp"
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
    CHECK(journal.at_open().entries().size() == 1);
    CHECK(journal.at_open().unreadable() == 0);  // the torn line is gone, not counted
    REQUIRE(journal.latest(record.key()) != nullptr);
    CHECK(journal.record(*journal.latest(record.key()))->preset == "p");
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

TEST_CASE("a file name of NAME_MAX bytes is written through a short temporary name") {
  test::TempDir dir;
  const output::OutputRoot root(dir.path() / "public");
  const std::string name = std::string(250, 'n') + ".webp";  // 255 bytes
  root.write("shows/" + name, "bytes");
  CHECK(util::read_file(dir.path() / "public" / "shows" / name) == "bytes");
  CHECK(fs::directory_iterator(dir.path() / "public" / "shows")->path().filename() == name);  // nothing else
  const std::string temp = output::temporary_name();
  CHECK(temp.rfind(output::k_temp_prefix, 0) == 0);
  CHECK(temp.size() <= output::k_temp_name_max);
  CHECK(temp != output::temporary_name());
}

TEST_CASE("stale temporaries are told from those of live processes, in today's and earlier names") {
  test::TempDir dir;
  const output::OutputRoot root(dir.path() / "public");
  const std::string mine = output::temporary_name();  // this process: alive
  const std::string rest = mine.substr(output::k_temp_prefix.size());
  const std::string host = rest.substr(0, rest.find('-'));
  const std::string dead = std::string(output::k_temp_prefix) + host + "-999999999-0123456789ab";
  const std::string other_host = std::string(output::k_temp_prefix) + "0badf00d-999999999-0123456789ab";
  const std::string earlier = std::string(output::k_temp_prefix) + "old_host-999999999-hero.webp.1a2b";
  for (const std::string& name : {mine, dead, other_host, earlier}) root.write("shows/" + name, "partial");
  const fs::path folder = dir.path() / "public" / "shows";
  fs::last_write_time(folder / earlier, fs::file_time_type::clock::now() - std::chrono::hours(2));
  CHECK(root.remove_stale_temporaries("shows") == 2);
  CHECK(fs::exists(folder / mine));
  CHECK_FALSE(fs::exists(folder / dead));
  CHECK(fs::exists(folder / other_host));  // another host, recent: perhaps a shard still writing
  CHECK_FALSE(fs::exists(folder / earlier));
}
