#include <algorithm>
#include <doctest/doctest.h>
#include <string>
#include <vector>

#include "child_support.hpp"
#include "output/journal.hpp"
#include "output/journal_index.hpp"
#include "output/root.hpp"
#include "test_support.hpp"
#include "util/files.hpp"

using namespace prerender;
using output::RenditionRecord;
using output::Status;
namespace fs = std::filesystem;

namespace {

RenditionRecord line_of(const std::string& asset, const std::string& etag) {
  RenditionRecord r;
  r.asset = asset, r.preset = "hero", r.format = "webp", r.etag = etag, r.status = Status::rendered;
  return r;
}

}  // namespace

TEST_CASE("a journal line a file-size limit cuts short is removed again and its record is not remembered") {
  test::TempDir dir;
  const fs::path file = dir.path() / "renditions.jsonl";
  {
    const output::OutputRoot root(dir.path());
    output::Journal journal(root, "renditions.jsonl");
    journal.append(line_of("a", "1"));
  }
  const std::string whole = util::read_file(file);
  // Room for 10 more bytes: the next line starts, then the write fails (EFBIG).
  const std::string seen = test::in_child_with_file_size_limit(whole.size() + 10, [&] {
    const output::OutputRoot root(dir.path());
    output::Journal journal(root, "renditions.jsonl");
    std::string out;
    try {
      journal.append(line_of("b", "2"));
      out = "appended";
    } catch (const std::runtime_error& e) {
      out = e.what();
    }
    out += journal.latest(line_of("b", "2").key()) ? " | b remembered" : " | b not remembered";
    out += journal.latest(line_of("a", "1").key()) ? " | a remembered" : " | a not remembered";
    return out;
  });
  CHECK(seen == "cannot append to '" + file.string() + "': File too large | b not remembered | a remembered");
  CHECK(util::read_file(file) == whole);  // cut back to whole lines by the writer itself
  {
    const output::OutputRoot root(dir.path());
    output::Journal journal(root, "renditions.jsonl");
    journal.append(line_of("c", "3"));
  }
  const std::vector<RenditionRecord> back = output::Journal::read(file);
  REQUIRE(back.size() == 2);
  CHECK(back[0].asset == "a");
  CHECK(back[1].asset == "c");
}

TEST_CASE("compact keeps the latest line of each rendition, in the order of those lines") {
  test::TempDir dir;
  const output::OutputRoot root(dir.path());
  {
    output::Journal journal(root, "renditions.jsonl");
    journal.append(line_of("a", "1"));
    journal.append(line_of("b", "2"));
    journal.append(line_of("a", "3"));
    REQUIRE(journal.latest(line_of("a", "").key()));
    CHECK(journal.record(*journal.latest(line_of("a", "").key()))->etag == "3");
    journal.compact();
    journal.append(line_of("b", "4"));  // still open for appending after the file was replaced
  }
  // Two compacted lines and the one appended since.
  const std::vector<RenditionRecord> lines = output::Journal::read(dir.path() / "renditions.jsonl");
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].etag == "2");
  CHECK(lines[1].etag == "3");
  CHECK(lines[2].etag == "4");
  const output::Journal reopened(root, "renditions.jsonl");
  std::vector<std::string> latest;
  reopened.for_each_latest([&](const output::JournalEntry& e) { latest.push_back(reopened.record(e)->etag); });
  std::sort(latest.begin(), latest.end());
  CHECK(latest == std::vector<std::string>{"3", "4"});
}
