#include <doctest/doctest.h>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "engine/incremental.hpp"
#include "engine_support.hpp"
#include "output/journal.hpp"
#include "output/root.hpp"

using namespace prerender;
using output::RenditionRecord;
using output::Status;
namespace fs = std::filesystem;

namespace {

const std::string& k_site = test::k_one_photo_site;

// A site with a real photo as the source, the files of both renditions written (`bytes` long each), and
// the records a successful earlier run would have left for them.
struct Rendered {
  test::TempDir dir;
  fs::path source = test::copy_source(dir, "images/landscape-1.jpg", "lake.jpg");
  test::PlannedSite site{dir, k_site};
  std::vector<RenditionRecord> records;

  Rendered() {
    const test::JournalOf none;
    const engine::IncrementalState first(site.manifest(), none.index());
    const engine::AssetState fresh = first.decide(site.asset(), false);
    for (std::size_t i = 0; i < site.asset().renditions.size(); ++i) {
      test::write_file(site.manifest().output.root / site.asset().renditions[i].path, "12345");
      records.push_back(test::rendered_record(site.asset(), i, fresh.recipes[i], 5));
    }
  }
  engine::AssetState decide(bool force = false) const {
    const test::JournalOf journal(records);
    const engine::IncrementalState state(site.manifest(), journal.index());
    engine::AssetState out = state.decide(site.asset(), force);
    for (const output::JournalEntry* e : out.previous)
      previous_formats.push_back(e ? journal.index().record(*e)->format : "");
    return out;
  }
  mutable std::vector<std::string> previous_formats;  // of the decided state's journal lines
};

}  // namespace

TEST_CASE("a rendition with the same source hash, recipe and renderer and its file at its size is up to date") {
  const Rendered r;
  REQUIRE(r.site.asset().renditions.size() == 2);
  const engine::AssetState s = r.decide();
  CHECK(s.error.empty());
  CHECK(s.up_to_date == std::vector<bool>{true, true});
  CHECK(s.source_hash == util::file_hash(r.source));
  CHECK(s.source_size == fs::file_size(r.source));
  REQUIRE(s.previous.size() == 2);
  CHECK(s.previous[1] != nullptr);
  CHECK(r.previous_formats.at(1) == "jpeg");
}

TEST_CASE("a rendition is rendered again when its recipe, renderer or earlier outcome differs") {
  struct Change {
    const char* what;
    void (*apply)(RenditionRecord&);
  };
  const Change changes[] = {
      {"recipe", [](RenditionRecord& x) { x.recipe_hash = "another recipe"; }},
      {"renderer", [](RenditionRecord& x) { x.renderer_version = "0.0.0-other"; }},
      {"failed", [](RenditionRecord& x) { x.status = Status::failed; }},
      {"size", [](RenditionRecord& x) { x.bytes = 6; }},
      {"key", [](RenditionRecord& x) { x.dpr = 2; }},
  };
  for (const Change& change : changes) {
    CAPTURE(change.what);
    Rendered r;
    change.apply(r.records[0]);
    CHECK(r.decide().up_to_date == std::vector<bool>{false, true});
  }
}

TEST_CASE("a rendition whose file is missing or of another size is rendered again") {
  Rendered r;
  const fs::path root = r.site.manifest().output.root;
  fs::remove(root / r.site.asset().renditions[0].path);
  test::write_file(root / r.site.asset().renditions[1].path, "123456");
  CHECK(r.decide().up_to_date == std::vector<bool>{false, false});
  // A folder at the path is not the file either.
  fs::create_directories(root / r.site.asset().renditions[0].path);
  CHECK(r.decide().up_to_date == std::vector<bool>{false, false});
}

TEST_CASE("a source whose bytes changed is rendered again; one only touched is not") {
  Rendered r;
  for (RenditionRecord& x : r.records) x.source_mtime_ns -= 1'000'000'000;  // it looks modified since
  engine::AssetState touched = r.decide();
  CHECK(touched.source_hash == util::file_hash(r.source));
  CHECK(touched.up_to_date == std::vector<bool>{true, true});

  test::copy_source(r.dir, "images/icc-adobergb.jpg", "lake.jpg");  // other bytes at the source's path
  const engine::AssetState changed = r.decide();
  CHECK(changed.source_hash == util::file_hash(r.source));
  CHECK(changed.source_hash != r.records[0].source_hash);
  CHECK(changed.up_to_date == std::vector<bool>{false, false});
}

TEST_CASE("an unchanged size and mtime take the source hash from the journal without hashing") {
  Rendered r;
  // A hash no hashing of the file gives: seen in the state only when it came from the journal.
  const std::string from_journal = "0123456789abcdef0123456789abcdef";
  REQUIRE(from_journal != util::file_hash(r.source));
  for (RenditionRecord& x : r.records) x.source_hash = from_journal;
  const engine::AssetState s = r.decide();
  CHECK(s.source_hash == from_journal);
  CHECK(s.up_to_date == std::vector<bool>{true, true});
  // One byte more: the size differs, the file is hashed and the journal's hash no longer matches.
  test::write_file(r.source, util::read_file(r.source) + "x");
  const engine::AssetState grown = r.decide();
  CHECK(grown.source_hash == util::file_hash(r.source));
  CHECK(grown.up_to_date == std::vector<bool>{false, false});
}

TEST_CASE("force renders everything again and hashes nothing the journal cannot vouch for") {
  Rendered r;
  const engine::AssetState forced = r.decide(true);
  CHECK(forced.up_to_date == std::vector<bool>{false, false});
  CHECK(forced.source_hash == r.records[0].source_hash);  // size and mtime unchanged: the journal's
  for (RenditionRecord& x : r.records) x.source_size += 1;
  const engine::AssetState unknown = r.decide(true);
  CHECK(unknown.up_to_date == std::vector<bool>{false, false});
  CHECK(unknown.source_hash.empty());  // left to the renderer
  CHECK(unknown.error.empty());
}

TEST_CASE("a missing source is an error and nothing of it is up to date") {
  Rendered r;
  fs::remove(r.source);
  const engine::AssetState s = r.decide();
  CHECK(s.error == "source does not exist or is not a file: " + r.source.string());
  CHECK(s.up_to_date == std::vector<bool>{false, false});
}

TEST_CASE("the journal's latest line decides: a failure after a success renders again, a success after a failure not") {
  Rendered r;
  const output::OutputRoot root(r.site.manifest().output.root);
  RenditionRecord failed = r.records[0];
  failed.status = Status::failed;
  failed.error = "encoder ran out of memory";
  {
    output::Journal journal(root, "renditions.jsonl");
    journal.append(r.records[0]);
    journal.append(failed);
    journal.append(failed);
    journal.append(r.records[1]);
  }
  {
    const output::Journal journal(root, "renditions.jsonl");
    const engine::IncrementalState state(r.site.manifest(), journal.at_open());
    CHECK(state.decide(r.site.asset(), false).up_to_date == std::vector<bool>{false, true});
  }
  {
    output::Journal journal(root, "renditions.jsonl");
    journal.append(r.records[0]);
  }
  const output::Journal journal(root, "renditions.jsonl");
  const engine::IncrementalState state(r.site.manifest(), journal.at_open());
  CHECK(state.decide(r.site.asset(), false).up_to_date == std::vector<bool>{true, true});
}

TEST_CASE("file_has_size and file_has_content compare the file under the output root") {
  const Rendered r;
  const test::JournalOf journal(r.records);
  const engine::IncrementalState state(r.site.manifest(), journal.index());
  const std::string path = r.site.asset().renditions[0].path;
  const std::string etag = util::content_hash("12345");
  CHECK(state.file_has_size(path, 5));
  CHECK_FALSE(state.file_has_size(path, 4));
  CHECK_FALSE(state.file_has_size("lake/missing.webp", 0));
  CHECK_FALSE(state.file_has_size("lake", 0));  // a folder
  CHECK(state.file_has_content(path, 5, etag, true));
  CHECK(state.file_has_content(path, 5, "another etag", false));  // without verify: the size only
  CHECK_FALSE(state.file_has_content(path, 5, "another etag", true));
  CHECK_FALSE(state.file_has_content(path, 6, etag, false));
  test::write_file(r.site.manifest().output.root / path, "12346");  // corrupted in place, same size
  CHECK_FALSE(state.file_has_content(path, 5, etag, true));
  CHECK(state.file_has_content(path, 5, etag, false));
}
