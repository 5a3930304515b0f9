#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <map>
#include <string>
#include <vector>

#include "engine/balance.hpp"
#include "engine/plan.hpp"
#include "engine_support.hpp"
#include "output/journal.hpp"
#include "output/journal_index.hpp"
#include "test_support.hpp"
#include "util/hash.hpp"

using namespace prerender;
using prerender::test::TempDir;
using prerender::test::write_file;

namespace {

// A number in [0, 1) from a name: the same on every run.
double unit(const std::string& name) { return static_cast<double>(util::stable_hash64(name) % 1000000) / 1e6; }

// The benchmark workload's eight photos (megapixels), each under four names, about 0.15 s per megapixel
// for its seven renditions, the copies differing by up to 10 %.
struct Costs {
  std::vector<std::string> ids;
  std::vector<double> seconds;
  std::vector<std::string_view> views() const { return {ids.begin(), ids.end()}; }
};
Costs workload() {
  const double megapixels[] = {20.4, 16.8, 15.9, 13.4, 12.2, 10.7, 9.8, 8.0};
  Costs c;
  for (int copy = 0; copy < 4; ++copy)
    for (int photo = 0; photo < 8; ++photo) {
      c.ids.push_back(fmt::format("photo-{}-{}", photo, copy));
      c.seconds.push_back(megapixels[photo] * 0.15 * (0.95 + 0.1 * unit(c.ids.back())));
    }
  return c;
}

// A catalogue: costs spread over three orders of magnitude, most assets cheap.
Costs catalogue(std::size_t n, const std::string& prefix = "asset/") {
  Costs c;
  for (std::size_t i = 0; i < n; ++i) {
    c.ids.push_back(fmt::format("{}{}", prefix, i));
    c.seconds.push_back(0.05 * std::pow(1000.0, unit(c.ids.back()) * unit(c.ids.back() + "~")));
  }
  return c;
}

double slowest_over_mean(const std::vector<std::uint32_t>& shard, const std::vector<double>& seconds,
                         std::uint32_t count) {
  std::vector<double> load(count, 0);
  for (std::size_t i = 0; i < shard.size(); ++i) load[shard.at(i)] += seconds[i];
  double total = 0;
  for (double l : load) total += l;
  return *std::max_element(load.begin(), load.end()) / (total / count);
}

double moved(const std::vector<std::uint32_t>& before, const std::vector<std::uint32_t>& after, std::size_t n) {
  std::size_t changed = 0;
  for (std::size_t i = 0; i < n; ++i) changed += before[i] != after[i];
  return static_cast<double>(changed) / static_cast<double>(n);
}

}  // namespace

TEST_CASE("balanced shards of the benchmark workload are within 1.15x of the mean; hashing alone is not") {
  const Costs c = workload();
  for (std::uint32_t n : {2u, 4u, 8u}) {
    const double balanced = slowest_over_mean(engine::balance_shards(c.views(), c.seconds, n), c.seconds, n);
    const double hashed = slowest_over_mean(engine::hash_shards(c.views(), n), c.seconds, n);
    MESSAGE(fmt::format("{} shards: balanced {:.3f}x, hash {:.3f}x", n, balanced, hashed));
    CHECK(balanced <= 1.15);
  }
  CHECK(slowest_over_mean(engine::hash_shards(c.views(), 8), c.seconds, 8) > 1.15);
}

TEST_CASE("balanced shards of a large catalogue are within 2 % of the mean (5 % for 64 shards)") {
  const Costs c = catalogue(20000);
  for (std::uint32_t n : {2u, 8u, 64u}) {
    const double balanced = slowest_over_mean(engine::balance_shards(c.views(), c.seconds, n), c.seconds, n);
    MESSAGE(fmt::format("{} shards: balanced {:.3f}x, hash {:.3f}x", n, balanced,
                        slowest_over_mean(engine::hash_shards(c.views(), n), c.seconds, n)));
    CHECK(balanced <= (n == 64 ? 1.05 : 1.02));
  }
}

TEST_CASE("the assignment is a partition: every asset in exactly one shard, for 1 to 8 shards") {
  const Costs c = catalogue(300);
  for (std::uint32_t n = 1; n <= 8; ++n) {
    const std::vector<std::uint32_t> shard = engine::balance_shards(c.views(), c.seconds, n);
    REQUIRE(shard.size() == c.ids.size());
    std::vector<std::size_t> per(n, 0);
    for (std::uint32_t s : shard) {
      REQUIRE(s < n);
      ++per[s];
    }
    CHECK(*std::min_element(per.begin(), per.end()) > 0);  // and none left without work
  }
}

TEST_CASE("costs that change within their class move no asset; jitter and new assets move few") {
  const Costs c = catalogue(10000);
  const std::vector<std::uint32_t> before = engine::balance_shards(c.views(), c.seconds, 8);
  // Within its class: every cost replaced by another of the same class.
  Costs same_class = c;
  for (double& s : same_class.seconds) s = 1e-3 * std::pow(std::sqrt(2.0), engine::cost_class(s) + 0.9);
  CHECK(engine::balance_shards(same_class.views(), same_class.seconds, 8) == before);
  // +-20 % jitter (without the journal's stickiness): only assets near a class boundary change class.
  Costs jittered = c;
  std::size_t reclassed = 0;
  for (std::size_t i = 0; i < c.ids.size(); ++i) {
    jittered.seconds[i] *= 0.8 + 0.4 * unit(c.ids[i] + "#jitter");
    reclassed += engine::cost_class(jittered.seconds[i]) != engine::cost_class(c.seconds[i]);
  }
  const double moved_jitter =
      moved(before, engine::balance_shards(jittered.views(), jittered.seconds, 8), c.ids.size());
  // 10 % new assets.
  Costs grown = c;
  const Costs added = catalogue(1000, "new/");
  grown.ids.insert(grown.ids.end(), added.ids.begin(), added.ids.end());
  grown.seconds.insert(grown.seconds.end(), added.seconds.begin(), added.seconds.end());
  const double moved_grown = moved(before, engine::balance_shards(grown.views(), grown.seconds, 8), c.ids.size());
  const double share_reclassed = static_cast<double>(reclassed) / static_cast<double>(c.ids.size());
  MESSAGE(fmt::format("jitter: {:.1f} % changed class, {:.1f} % moved; 10 % new assets: {:.1f} % of the others moved",
                      100 * share_reclassed, 100 * moved_jitter, 100 * moved_grown));
  // What hashing alone would move when 10 % are added: nothing; a rebalance from scratch: 7/8 of them.
  CHECK(moved_jitter <= share_reclassed + 0.05);
  CHECK(moved_grown <= 0.10);
}

TEST_CASE("an asset's recorded costs are kept while its measured sum stays within 1.5x of theirs") {
  using V = std::vector<double>;
  CHECK(engine::sticky_costs({0}, {2.34567}) == V{2.3457});
  CHECK(engine::sticky_costs({2.0}, {2.9}) == V{2.0});
  CHECK(engine::sticky_costs({2.0}, {1.4}) == V{2.0});
  CHECK(engine::sticky_costs({2.0}, {3.1}) == V{3.1});
  CHECK(engine::sticky_costs({2.0}, {1.3}) == V{1.3});
  // One small rendition three times slower is noise of the asset's sum: all kept.
  CHECK(engine::sticky_costs({2.0, 0.01}, {2.1, 0.03}) == V{2.0, 0.01});
  // A rendition with no recorded cost (a new preset): all measured again.
  CHECK(engine::sticky_costs({2.0, 0}, {2.1, 0.03}) == V{2.1, 0.03});
  CHECK(engine::sticky_costs({static_cast<float>(0.1234)}, {0.13}) == V{0.1234});  // the index's float, rounded back
}

TEST_CASE("estimates: measured seconds, else pixels, else the source's file size") {
  TempDir dir;
  test::copy_source(dir, "images/landscape-1.jpg", "big.jpg");
  test::copy_source(dir, "images/gray-concert.jpg", "small.jpg");
  const test::PlannedSite site(dir, R"(version: 1
sources: { root: src/ }
output: { root: public/ }
presets:
  a: { resize: { width: 64 }, format: [webp, jpeg] }
assets:
  - { id: big, source: big.jpg, presets: [a], requests: 3 }
  - { id: small, source: small.jpg, presets: [a], requests: 2 }
)");
  const std::vector<const engine::PlannedAsset*> assets{&site.asset(0), &site.asset(1)};
  REQUIRE(assets[0]->asset->id == "big");

  // Nothing known: by file size, the larger file the more expensive.
  const auto by_size = engine::estimate_costs(assets, {});
  CHECK(by_size[0].basis == engine::CostBasis::file_size);
  CHECK(by_size[0].seconds > 5 * by_size[1].seconds);

  // Known pixels only (a journal written before costs were recorded): by pixels x renditions.
  engine::CostTable table;
  table.assets["big"] = {0, 0, 1000, 0};
  table.assets["small"] = {0, 0, 4000, 0};
  const auto by_pixels = engine::estimate_costs(assets, table);
  CHECK(by_pixels[0].basis == engine::CostBasis::pixels);
  CHECK(by_pixels[1].seconds == doctest::Approx(4 * by_pixels[0].seconds));

  // Measured: the mean of the recorded renditions' costs x the planned renditions. The fitted seconds per
  // pixel then price the other asset.
  table.assets["big"] = {3.0, 1, 1000, 0};
  const auto measured = engine::estimate_costs(assets, table);
  CHECK(measured[0].basis == engine::CostBasis::measured);
  CHECK(measured[0].seconds == doctest::Approx(6.0));
  CHECK(measured[1].seconds == doctest::Approx(4000 * 2 * 3.0 / 1000));
}

TEST_CASE("cost_seconds is journalled and read back, in 112 bytes; lines without it still load") {
  output::RenditionRecord r;
  r.asset = "lake";
  r.preset = "hero";
  r.format = "webp";
  r.status = output::Status::rendered;
  r.cost_seconds = 1.25;
  const std::string line = output::to_json(r).dump();
  CHECK(output::record_from_json(nlohmann::json::parse(line)).cost_seconds == 1.25);
  const std::optional<output::JournalEntry> e = output::scan_line(line, 0);
  REQUIRE(e);
  CHECK(e->cost_seconds == 1.25f);
  nlohmann::json old = output::to_json(r);
  old.erase("cost_seconds");
  const std::optional<output::JournalEntry> before = output::scan_line(old.dump(), 0);
  REQUIRE(before);
  CHECK(before->cost_seconds == 0);
  CHECK(output::record_from_json(old).cost_seconds == 0);
  CHECK(sizeof(output::JournalEntry) == 112);
}

TEST_CASE("every shard of a run deals the same assets from the same journal: each asset in exactly one") {
  TempDir dir;
  std::string yaml =
      "version: 1\nsources: { root: src/ }\noutput: { root: public/ }\npresets:\n  a: { format: [webp, jpeg] "
      "}\nassets:\n";
  const char* fixtures[] = {"landscape-1.jpg", "gray-concert.jpg", "cmyk-swop.jpg", "webp-alpha.webp", "p3-8x8.png"};
  std::string journal;
  for (int i = 0; i < 40; ++i) {
    const std::string id = fmt::format("a{}", i), file = fmt::format("{}-{}", i, fixtures[i % 5]);
    test::copy_source(dir, std::string("images/") + fixtures[i % 5], file);
    yaml += fmt::format("  - {{ id: {}, source: {}, presets: [a], requests: {} }}\n", id, file, i % 7);
    if (i % 3 == 0) {  // a third measured by an earlier run, the rest priced by file size
      output::RenditionRecord r;
      r.asset = id;
      r.preset = "a";
      r.format = "webp";
      r.cost_seconds = 0.1 + i * 0.05;
      journal += output::to_json(r).dump() + "\n";
    }
  }
  write_file(dir.path() / "site.yaml", yaml);
  std::filesystem::create_directories(dir.path() / "public");
  write_file(dir.path() / "public" / "renditions.jsonl", journal);
  const manifest::Manifest m = manifest::load_manifest(dir.path() / "site.yaml");
  for (std::uint32_t n = 1; n <= 8; ++n) {
    std::map<std::string, int> seen;
    for (std::uint32_t k = 0; k < n; ++k) {
      engine::Selection s;
      s.shard = engine::Shard{k, n};
      manifest::Diagnostics d;
      for (const auto& a : engine::build_plan(m, s, d, false).assets) ++seen[a.asset->id];
      CHECK(d.empty());
    }
    CHECK(seen.size() == 40);
    for (const auto& [id, times] : seen) CHECK_MESSAGE(times == 1, id, " in ", times, " of ", n, " shards");
  }
  // The top 10, then sharded: the shards share out exactly those ten.
  std::size_t in_top = 0;
  for (std::uint32_t k = 0; k < 4; ++k) {
    engine::Selection s;
    s.top = 10;
    s.shard = engine::Shard{k, 4};
    manifest::Diagnostics d;
    in_top += engine::build_plan(m, s, d, false).assets.size();
  }
  CHECK(in_top == 10);
}
