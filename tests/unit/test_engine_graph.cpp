#include <algorithm>
#include <atomic>
#include <chrono>
#include <doctest/doctest.h>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "engine/graph.hpp"

using namespace prerender::engine;

namespace {

struct FakeOutcome {
  std::size_t index = 0;
  bool failed = false;
};

// A fake renderer that tracks how much work and how many estimated bytes are in flight at once.
struct Tracker {
  std::mutex mutex;
  int in_flight = 0, peak_in_flight = 0;
  std::uint64_t bytes = 0, peak_bytes = 0;
  bool over_budget_with_company = false;
  std::vector<FakeOutcome> recorded;
};

GraphWork<FakeOutcome> fake_work(Tracker& t, const std::vector<std::uint64_t>& estimates, std::uint64_t budget,
                                 std::size_t throw_at = SIZE_MAX) {
  auto next = std::make_shared<std::size_t>(0);
  GraphWork<FakeOutcome> work;
  work.next = [next, &estimates]() -> std::optional<Job> {
    if (*next >= estimates.size()) return std::nullopt;
    const std::size_t i = (*next)++;
    return Job{i, estimates[i]};
  };
  work.render = [&t, budget, throw_at](const Job& job) {
    {
      std::lock_guard lock(t.mutex);
      ++t.in_flight;
      t.bytes += job.estimate;
      t.peak_in_flight = std::max(t.peak_in_flight, t.in_flight);
      t.peak_bytes = std::max(t.peak_bytes, t.bytes);
      if (t.bytes > budget && t.in_flight > 1) t.over_budget_with_company = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    {
      std::lock_guard lock(t.mutex);
      --t.in_flight;
      t.bytes -= job.estimate;
    }
    if (job.index == throw_at) throw std::runtime_error("boom");
    return FakeOutcome{job.index, false};
  };
  work.failed = [](const Job& job, const std::string&) { return FakeOutcome{job.index, true}; };
  work.record = [&t](FakeOutcome&& o) { t.recorded.push_back(o); };  // serial: no lock needed
  return work;
}

}  // namespace

TEST_CASE("peak concurrent work never exceeds --jobs") {
  for (int jobs : {1, 2, 3}) {
    CAPTURE(jobs);
    Tracker t;
    const std::vector<std::uint64_t> estimates(40, 1);
    const GraphStats stats = run_graph(GraphLimits{jobs, 1000}, fake_work(t, estimates, 1000));
    CHECK(t.peak_in_flight <= jobs);
    CHECK(stats.peak_in_flight <= jobs);
    CHECK(t.recorded.size() == 40);
  }
}

TEST_CASE("admitted memory never exceeds the budget and a job larger than the budget runs alone") {
  Tracker t;
  std::vector<std::uint64_t> estimates;
  for (int i = 0; i < 30; ++i) estimates.push_back(i % 7 == 3 ? 150 : 40 + (i % 3) * 10);
  const GraphStats stats = run_graph(GraphLimits{4, 100}, fake_work(t, estimates, 100));
  CHECK_FALSE(t.over_budget_with_company);
  CHECK(t.recorded.size() == estimates.size());
  // The oversized jobs were admitted, alone.
  CHECK(stats.peak_admitted_bytes == 150);
}

TEST_CASE("one throwing job yields one failure and every other job still completes") {
  Tracker t;
  const std::vector<std::uint64_t> estimates(25, 1);
  run_graph(GraphLimits{2, 100}, fake_work(t, estimates, 100, 7));
  REQUIRE(t.recorded.size() == 25);
  std::set<std::size_t> seen;
  int failures = 0;
  for (const FakeOutcome& o : t.recorded) {
    seen.insert(o.index);
    if (o.failed) {
      ++failures;
      CHECK(o.index == 7);
    }
  }
  CHECK(failures == 1);
  CHECK(seen.size() == 25);  // exactly one outcome per job
}

TEST_CASE("a stop request admits nothing more and lets admitted work finish") {
  Tracker t;
  const std::vector<std::uint64_t> estimates(50, 1);
  GraphWork<FakeOutcome> work = fake_work(t, estimates, 100);
  std::atomic<std::size_t> recorded{0};
  auto inner = work.record;
  work.record = [&](FakeOutcome&& o) {
    inner(std::move(o));
    ++recorded;
  };
  work.stopping = [&] { return recorded.load() >= 5; };
  const GraphStats stats = run_graph(GraphLimits{2, 100}, work);
  CHECK(stats.admitted < 50);
  CHECK(t.recorded.size() == stats.admitted);  // everything admitted was recorded
}
