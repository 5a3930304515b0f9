#include <doctest/doctest.h>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "output/journal.hpp"
#include "output/journal_index.hpp"
#include "output/root.hpp"
#include "test_support.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/version.hpp"

using namespace prerender;
namespace fs = std::filesystem;

namespace {

output::RenditionRecord sample(const std::string& asset, const std::string& etag_of) {
  output::RenditionRecord r;
  r.asset = asset, r.preset = "small", r.format = "webp", r.dpr = 2;
  r.path = asset + "/small@2x.webp", r.url = "https://cdn.test/" + r.path, r.content_type = "image/webp";
  r.bytes = 1234, r.etag = util::content_hash(etag_of), r.source = "images/" + asset + ".jpg";
  r.source_hash = util::content_hash("source"), r.source_size = 99, r.source_mtime_ns = 1700000000123456789;
  r.recipe_hash = util::content_hash("recipe"), r.renderer_version = util::k_version, r.libvips_version = "8.14.1";
  r.status = output::Status::rendered;
  r.asset_metadata = {{"width", 10}, {"blurhash", "LEHV6n"}};
  return r;
}

bool reads_back(const std::string& line) {
  try {
    output::record_from_json(nlohmann::json::parse(line));
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

}  // namespace

TEST_CASE("a journal line is read without a document exactly when it reads back as a record") {
  const nlohmann::json good = output::to_json(sample("hero", "v1"));
  std::vector<std::string> lines{good.dump(), "{\"asset\":\"torn", "[1,2]", "\"text\"", "{}", "null"};
  for (const char* field : {"asset", "dpr", "bytes", "etag", "changed", "seconds", "status", "source_mtime_ns"}) {
    nlohmann::json missing = good;
    missing.erase(field);
    lines.push_back(missing.dump());
  }
  for (const auto& [field, value] : std::vector<std::pair<std::string, nlohmann::json>>{{"asset", 3},
                                                                                        {"dpr", "2"},
                                                                                        {"bytes", nullptr},
                                                                                        {"changed", 1},
                                                                                        {"bytes", true},
                                                                                        {"width", 2.5},
                                                                                        {"seconds", 1},
                                                                                        {"requests", "many"},
                                                                                        {"error", 5},
                                                                                        {"finished_at", false},
                                                                                        {"asset_metadata", "any"},
                                                                                        {"source_hash", ""},
                                                                                        {"etag", "not hex"}}) {
    nlohmann::json changed = good;
    changed[field] = value;
    lines.push_back(changed.dump());
  }
  for (const char* stage : {"read", "total"}) {
    nlohmann::json changed = good;
    changed["seconds"][stage] = "slow";
    lines.push_back(changed.dump());
    changed["seconds"].erase(stage);
    lines.push_back(changed.dump());
  }
  lines.push_back(good.dump().substr(0, good.dump().size() - 1) + ",\"bytes\":\"twice\"}");  // the last duplicate wins
  for (const std::string& line : lines) {
    CAPTURE(line);
    CHECK(output::scan_line(line, 0).has_value() == reads_back(line));
  }
  const std::optional<output::JournalEntry> e = output::scan_line(good.dump(), 77);
  REQUIRE(e);
  const output::RenditionRecord r = sample("hero", "v1");
  CHECK(e->key_hash == output::key_hash(r.key()));
  CHECK(e->offset == 77);
  CHECK(e->length == good.dump().size());
  CHECK(e->bytes == 1234);
  CHECK(e->source_mtime_ns == 1700000000123456789);
  CHECK(e->same_etag(r.etag));
  CHECK_FALSE(e->same_etag(util::content_hash("v2")));
  CHECK(e->same_source_hash(r.source_hash));
  CHECK(e->current_renderer);
  CHECK(e->status == output::Status::rendered);
}

TEST_CASE("the latest line wins, unreadable lines are counted, and compaction copies each latest line as it was") {
  test::TempDir dir;
  const output::OutputRoot root(dir.path());
  const std::string hero1 = output::to_json(sample("hero", "v1")).dump(),
                    logo = output::to_json(sample("logo", "v1")).dump(),
                    hero2 = output::to_json(sample("hero", "v2")).dump();
  test::write_file(dir.path() / "renditions.jsonl", hero1 + "\n" + logo + "\nnot json\n" + hero2 + "\n");
  {
    output::Journal journal(root, "renditions.jsonl");
    CHECK(journal.unreadable_lines() == 1);
    CHECK(journal.at_open().entries().size() == 2);
    const output::JournalEntry* hero = journal.latest(sample("hero", "").key());
    REQUIRE(hero);
    CHECK(journal.record(*hero)->etag == util::content_hash("v2"));
    output::RenditionRecord logo2 = sample("logo", "v2");
    journal.append(logo2);
    journal.append(sample("new", "v1"));
    CHECK(journal.latest(logo2.key())->same_etag(logo2.etag));
    CHECK(journal.at_open().find(logo2.key())->same_etag(util::content_hash("v1")));  // as opened
    journal.compact();
    CHECK(journal.record(*journal.latest(logo2.key()))->etag == logo2.etag);  // read from the new file
    journal.append(sample("last", "v1"));
  }
  const std::string text = util::read_file(dir.path() / "renditions.jsonl");
  CHECK(text == hero2 + "\n" + output::to_json(sample("logo", "v2")).dump() + "\n" +
                    output::to_json(sample("new", "v1")).dump() + "\n" + output::to_json(sample("last", "v1")).dump() +
                    "\n");
  output::Journal again(root, "renditions.jsonl");
  CHECK(again.unreadable_lines() == 0);
  CHECK(again.at_open().entries().size() == 4);
}

TEST_CASE("a journal's entries take 112 bytes per rendition, whatever its lines hold") {
  test::TempDir dir;
  {
    std::ofstream out(dir.path() / "renditions.jsonl");
    for (int i = 0; i < 20000; ++i) out << output::to_json(sample("bulk/" + std::to_string(i), "v1")).dump() << "\n";
  }
  const output::OutputRoot root(dir.path());
  const output::Journal journal(root, "renditions.jsonl");
  CHECK(journal.at_open().entries().size() == 20000);
  CHECK(journal.index_bytes() <= 20000 * 112);
  CHECK(fs::file_size(dir.path() / "renditions.jsonl") > 20000 * 500);  // the records, by comparison
}

TEST_CASE("a quality: auto decision reads back whole: quality, score, target missed and full chroma") {
  output::RenditionRecord r = sample("map", "v1");
  r.format = "jpeg", r.quality = 87, r.score = 1.36, r.target_missed = false, r.full_chroma = true;
  const output::RenditionRecord back = output::record_from_json(output::to_json(r));
  CHECK(back.quality == 87);
  CHECK(back.score == 1.36);
  CHECK(back.full_chroma);
  // Absent from lines that did not take it, so older journals read as 4:2:0 decisions.
  r.full_chroma = false;
  CHECK_FALSE(output::to_json(r).contains("full_chroma"));
  CHECK_FALSE(output::record_from_json(output::to_json(r)).full_chroma);
}

TEST_CASE("a float past an integer field's range reads as 0, not as an undefined cast") {
  nlohmann::json j = output::to_json(sample("hero", "v1"));
  j["width"] = 2e36, j["bytes"] = -1e300, j["source_mtime_ns"] = 9.3e18, j["quality"] = 42.0;
  const output::RenditionRecord r = output::record_from_json(j);
  CHECK(r.width == 0);
  CHECK(r.bytes == 0);
  CHECK(r.source_mtime_ns == 0);
  CHECK(r.quality == 42);
}
