#include <doctest/doctest.h>
#include <string>
#include <vector>

#include "engine/admission.hpp"
#include "engine/incremental.hpp"
#include "engine_support.hpp"
#include "render/estimate.hpp"
#include "render/source.hpp"
#include "render_support.hpp"
#include "util/units.hpp"

using namespace prerender;
using output::RenditionRecord;
using output::Status;
namespace fs = std::filesystem;

namespace {

const std::string& k_site = test::k_one_photo_site;

constexpr std::uint64_t k_gib = 1ull << 30;

// The estimate of rendering every rendition of the site's one asset, as render/estimate.hpp makes it.
std::uint64_t full_estimate(const test::PlannedSite& site) {
  engine::Prepared all;
  for (std::size_t i = 0; i < site.asset().renditions.size(); ++i) all.todo.push_back(i);
  const render::SourceInfo info = render::probe_source(site.asset().asset->source_path, site.manifest().limits);
  return render::estimate_working_set(info, engine::requests_of(site.asset(), all));
}

engine::Prepared prepare(const test::PlannedSite& site, const std::vector<RenditionRecord>& records,
                         std::uint64_t budget, bool force = false) {
  const test::JournalOf journal(records);
  const engine::IncrementalState state(site.manifest(), journal.index());
  const engine::Admission admission(site.manifest(), state, budget, budget, force, nullptr);
  return admission.prepare(site.asset());
}

}  // namespace

TEST_CASE("an asset whose estimate fits the budget is admitted whole with its probe and estimate") {
  test::TempDir dir;
  test::copy_source(dir, "images/landscape-1.jpg", "lake.jpg");
  const test::PlannedSite site(dir, k_site);
  const std::uint64_t estimate = full_estimate(site);
  REQUIRE(estimate > 0);
  for (std::uint64_t budget : {k_gib, estimate}) {
    CAPTURE(budget);
    const engine::Prepared p = prepare(site, {}, budget);
    CHECK(p.state.error.empty());
    CHECK(p.todo == std::vector<std::size_t>{0, 1});
    CHECK(p.up_to_date.empty());
    CHECK(p.estimate == estimate);
    REQUIRE(p.info);
    CHECK(p.info->width == 600);
  }
}

TEST_CASE("an asset estimated over the budget is refused, naming the estimate and --memory") {
  test::TempDir dir;
  test::copy_source(dir, "images/landscape-1.jpg", "lake.jpg");
  const test::PlannedSite site(dir, k_site);
  const std::uint64_t estimate = full_estimate(site);
  const engine::Prepared p = prepare(site, {}, estimate - 1);
  CHECK(p.state.error == "needs an estimated " + util::format_size(estimate) + ", over the memory budget of " +
                             util::format_size(estimate - 1) + " (--memory); raise it to render this asset");
  CHECK(p.estimate == 0);  // it fails at once and holds no memory
  CHECK(p.todo == std::vector<std::size_t>{0, 1});
}

TEST_CASE("a missing, unrecognised or corrupt source gives the asset an error and no estimate") {
  struct Case {
    const char* fixture;
    const char* reason;
  };
  const Case cases[] = {
      {nullptr, "source does not exist or is not a file: "},
      {"images/bad/text-not-image.jpg", "not an image: the file holds text"},
      {"images/bad/empty.jpg", "the source is an empty file"},
      {"images/bad/corrupt-header.jpg", "corrupt JPEG: cannot read the header"},
  };
  for (const Case& c : cases) {
    const std::string name = c.fixture ? c.fixture : "a missing file";
    CAPTURE(name);
    test::TempDir dir;
    if (c.fixture) test::copy_source(dir, c.fixture, "lake.jpg");
    const test::PlannedSite site(dir, k_site);
    const engine::Prepared p = prepare(site, {}, k_gib);
    test::take_warnings();  // broken files warn by design
    CHECK(p.state.error.rfind(c.reason, 0) == 0);
    CHECK(p.estimate == 0);
    CHECK(p.todo == std::vector<std::size_t>{0, 1});
  }
}

TEST_CASE("up-to-date renditions become up_to_date records carrying the asset's request count") {
  test::TempDir dir;
  test::copy_source(dir, "images/landscape-1.jpg", "lake.jpg");
  const test::PlannedSite site(dir, k_site);
  const test::JournalOf none;
  const engine::AssetState fresh = engine::IncrementalState(site.manifest(), none.index()).decide(site.asset(), false);
  std::vector<RenditionRecord> records;
  for (std::size_t i = 0; i < 2; ++i) {
    test::write_file(site.manifest().output.root / site.asset().renditions[i].path, "12345");
    RenditionRecord r = test::rendered_record(site.asset(), i, fresh.recipes[i], 5);
    r.requests = 3;  // what the asset had when it was rendered
    r.changed = true;
    r.seconds.total = 1.5;
    r.etag = "etag-" + std::to_string(i);
    records.push_back(r);
  }
  const engine::Prepared p = prepare(site, records, 1);  // a budget nothing fits: nothing needs it
  CHECK(p.state.error.empty());
  CHECK(p.todo.empty());
  CHECK_FALSE(p.info);
  CHECK(p.estimate == 0);
  REQUIRE(p.up_to_date.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CAPTURE(i);
    CHECK(p.up_to_date[i].status == Status::up_to_date);
    CHECK(p.up_to_date[i].requests == 7);
    CHECK_FALSE(p.up_to_date[i].changed);
    CHECK(p.up_to_date[i].seconds.total == 0);
    CHECK(p.up_to_date[i].etag == "etag-" + std::to_string(i));
    CHECK_FALSE(p.up_to_date[i].finished_at.empty());
  }

  // One of them out of date: only it is to do, probed and estimated; the other stays a record.
  records[1].recipe_hash = "another recipe";
  const engine::Prepared half = prepare(site, records, k_gib);
  CHECK(half.todo == std::vector<std::size_t>{1});
  REQUIRE(half.up_to_date.size() == 1);
  CHECK(half.up_to_date[0].format == "webp");
  CHECK(half.estimate > 0);
  CHECK(half.info);

  // Forced: nothing is up to date.
  CHECK(prepare(site, records, k_gib, true).todo == std::vector<std::size_t>{0, 1});
}
