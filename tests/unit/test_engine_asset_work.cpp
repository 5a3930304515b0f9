#include <doctest/doctest.h>
#include <atomic>
#include <csignal>
#include <filesystem>

#include "engine/admission.hpp"
#include "engine/asset_work.hpp"
#include "engine/incremental.hpp"
#include "engine_support.hpp"
#include "output/root.hpp"

using namespace prerender;
using output::Status;
namespace fs = std::filesystem;

// An admitted asset is in flight: a stop asked for after its admission lets it finish. On a first run the
// source is hashed by the worker, not at admission; a signal then must not fail its renditions (they would
// be journaled as failures with no file, and the next run would count them as failed, not as not started).
TEST_CASE("an admitted asset whose source was not hashed yet finishes after a stop") {
  test::TempDir dir;
  test::copy_source(dir, "images/landscape-1.jpg", "lake.jpg");
  const test::PlannedSite site(dir, test::k_one_photo_site);
  const test::JournalOf journal;  // a first run: nothing to compare, so admission does not hash
  const engine::IncrementalState state(site.manifest(), journal.index());
  std::atomic<int> stop{0};
  const engine::Admission admission(site.manifest(), state, 1ull << 30, 1ull << 30, false, &stop);
  engine::Prepared prepared = admission.prepare(site.asset());
  REQUIRE(prepared.state.source_hash.empty());
  REQUIRE(prepared.todo.size() == 2);

  stop = SIGTERM;  // arrives once the asset is admitted
  const output::OutputRoot root(site.manifest().output.root);
  const engine::AssetWork work(site.manifest(), state, root, false);
  const engine::Outcome outcome = work.render(site.asset(), prepared);
  REQUIRE(outcome.records.size() == 2);
  for (const output::RenditionRecord& r : outcome.records) {
    CAPTURE(r.error);
    CHECK(r.status == Status::rendered);
    CHECK(r.source_hash == util::file_hash(site.asset().asset->source_path));
    CHECK(fs::file_size(root.path() / r.path) == r.bytes);
  }
}
