#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "child_support.hpp"
#include "engine/recorder.hpp"
#include "output/journal.hpp"
#include "output/root.hpp"
#include "test_support.hpp"

using namespace prerender;
using output::RenditionRecord;
using output::Status;
namespace fs = std::filesystem;

namespace {

RenditionRecord record(const std::string& asset, Status status, bool changed, const std::string& error = "") {
  RenditionRecord r;
  r.asset = asset;
  r.preset = "hero";
  r.format = "webp";
  r.path = asset + "/hero.webp";
  r.url = "https://img.example.com/" + r.path;
  r.status = status;
  r.changed = changed;
  r.error = error;
  return r;
}

engine::Outcome outcome_of(std::vector<RenditionRecord> records) { return engine::Outcome{std::move(records)}; }

}  // namespace

TEST_CASE("the recorder counts each status, journals every record and lists the changed URLs in order") {
  test::TempDir dir;
  const output::OutputRoot root(dir.path());
  output::Journal journal(root, "renditions.jsonl");
  engine::RunOptions options;
  std::vector<std::string> seen;
  options.on_rendition = [&](const RenditionRecord& r, std::size_t done, std::size_t failed) {
    seen.push_back(r.asset + " " + std::to_string(done) + " " + std::to_string(failed));
  };
  engine::RunResult result;
  engine::Recorder recorder(journal, options, result);
  recorder.record(outcome_of({record("a", Status::rendered, true), record("b", Status::up_to_date, false)}));
  recorder.record(outcome_of({record("c", Status::failed, false, "decode failed"), record("d", Status::rendered, false),
                              record("e", Status::rendered, true)}));
  CHECK(result.rendered == 3);
  CHECK(result.up_to_date == 1);
  CHECK(result.failed == 1);
  CHECK(result.changed == 2);
  CHECK(result.unrecorded == 0);
  CHECK(seen == std::vector<std::string>{"a 1 0", "b 2 0", "c 3 1", "d 4 1", "e 5 1"});
  CHECK(recorder.changed_list() == "https://img.example.com/a/hero.webp\nhttps://img.example.com/e/hero.webp\n");
  CHECK(recorder.unrecorded_problem("renditions.jsonl").empty());
  REQUIRE(recorder.records().size() == 5);
  CHECK(recorder.records()[2].error == "decode failed");
  const std::vector<RenditionRecord> back = output::Journal::read(dir.path() / "renditions.jsonl");
  REQUIRE(back.size() == 5);
  CHECK(back[1].status == Status::up_to_date);
  CHECK(back[2].status == Status::failed);
}

TEST_CASE("a record the journal refuses is a failed rendition with both reasons, counted in unrecorded") {
  test::TempDir dir;
  const fs::path file = dir.path() / "renditions.jsonl";
  {
    const output::OutputRoot root(dir.path());
    output::Journal journal(root, "renditions.jsonl");
    journal.append(record("a", Status::rendered, true));
  }
  // The journal may grow by 10 bytes: the next line is cut short by the file-size limit (EFBIG).
  const auto limit = static_cast<rlim_t>(fs::file_size(file) + 10);
  const nlohmann::json out = nlohmann::json::parse(test::in_child_with_file_size_limit(limit, [&] {
    const output::OutputRoot root(dir.path());
    output::Journal journal(root, "renditions.jsonl");
    const engine::RunOptions options;
    engine::RunResult result;
    engine::Recorder recorder(journal, options, result);
    recorder.record(
        outcome_of({record("b", Status::rendered, true), record("c", Status::failed, false, "decode failed"),
                    record("d", Status::up_to_date, false)}));
    nlohmann::json j;
    j["rendered"] = result.rendered, j["up_to_date"] = result.up_to_date, j["failed"] = result.failed;
    j["unrecorded"] = result.unrecorded, j["changed"] = result.changed;
    j["problem"] = recorder.unrecorded_problem("renditions.jsonl");
    j["changed_list"] = recorder.changed_list();
    for (const RenditionRecord& r : recorder.records()) j["records"].push_back({output::name(r.status), r.error});
    return j.dump();
  }));
  const std::string refusal = "cannot append to '" + file.string() + "': File too large";
  const std::string unrecorded = "could not be recorded in the journal: " + refusal;
  CHECK(out["rendered"] == 0);
  CHECK(out["up_to_date"] == 0);
  CHECK(out["failed"] == 3);
  CHECK(out["unrecorded"] == 3);
  CHECK(out["changed"] == 1);  // its bytes did change on disk, though the journal does not know it
  REQUIRE(out["records"].size() == 3);
  CHECK(out["records"][0] == nlohmann::json::array({"failed", unrecorded}));
  CHECK(out["records"][1] == nlohmann::json::array({"failed", "decode failed (and " + unrecorded + ")"}));
  CHECK(out["records"][2] == nlohmann::json::array({"failed", unrecorded}));
  CHECK(out["problem"] ==
        "3 renditions could not be recorded in the journal 'renditions.jsonl' and count as failed "
        "(a later run redoes them): " +
            refusal);
  // What the journal holds is whole lines: the one written before the limit.
  const std::vector<RenditionRecord> back = output::Journal::read(file);
  REQUIRE(back.size() == 1);
  CHECK(back[0].asset == "a");
}
