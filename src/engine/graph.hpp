#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_scheduler_observer.h>

#include "engine/graph_stats.hpp"

namespace prerender::engine {

// One unit of admission: an asset, with the memory its work is estimated to need.
struct Job {
  std::size_t index = 0;
  std::uint64_t estimate = 0;
};

struct GraphLimits {
  int jobs = 1;                       // renders at once
  std::uint64_t memory_budget = 0;    // bytes of estimates admitted at once (the caller refuses a job over
                                      // it; one given anyway runs alone)
};

// The work, injected so that the wiring is tested with fakes.
template <typename Outcome>
struct GraphWork {
  std::function<std::optional<Job>()> next;                      // in priority order; nothing: no more (or stop)
  std::function<Outcome(const Job&)> render;                     // up to `jobs` at once
  std::function<Outcome(const Job&, const std::string&)> failed; // the outcome of a render that threw
  std::function<void(Outcome&&)> record;                         // one at a time
  std::function<void()> on_worker_exit;                          // e.g. release a library's per-thread state
  std::function<bool()> stopping;                                // true: admit nothing more (signal, deadline)
};

namespace detail {

class WorkerExitObserver : public tbb::task_scheduler_observer {
 public:
  WorkerExitObserver(tbb::task_arena& arena, std::function<void()> on_exit)
      : tbb::task_scheduler_observer(arena), m_on_exit(std::move(on_exit)) {
    if (m_on_exit) observe(true);
  }
  ~WorkerExitObserver() override {
    if (m_on_exit) observe(false);
  }
  void on_scheduler_exit(bool is_worker) override {
    if (is_worker && m_on_exit) m_on_exit();
  }

 private:
  std::function<void()> m_on_exit;
};

}  // namespace detail

// Calls `work(i)` for every i below `count`, at most `jobs` at once, on a oneTBB arena of its own;
// `on_worker_exit` runs on each worker thread as it leaves. `work` must not throw.
template <typename Work>
void for_each_parallel(int jobs, std::size_t count, Work&& work, std::function<void()> on_worker_exit) {
  tbb::task_arena arena(std::max(1, jobs));
  detail::WorkerExitObserver observer(arena, std::move(on_worker_exit));
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, count, [&](std::size_t i) { work(i); }, tbb::simple_partitioner());
  });
}

// Runs every job `next` gives through `render` on a oneTBB flow graph, at most `jobs` at once and at
// most `memory_budget` bytes of estimates admitted at once, and hands each outcome to `record`, one at a
// time, as it finishes. The calling thread is the source: it admits jobs in order, waiting while the
// next one does not fit, so workers never block and priority order is kept. An exception escaping
// `render` becomes `failed(job, what)`; the graph goes on.
template <typename Outcome>
GraphStats run_graph(const GraphLimits& limits, const GraphWork<Outcome>& work) {
  const int jobs = std::max(1, limits.jobs);
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(jobs) + 1);
  tbb::task_arena arena(jobs, 0);  // every slot for workers: the admitting thread only waits
  detail::WorkerExitObserver observer(arena, work.on_worker_exit);

  std::mutex mutex;
  std::condition_variable freed;
  int in_flight = 0;
  std::uint64_t admitted_bytes = 0;
  GraphStats stats;

  struct Done {
    Job job;
    Outcome outcome;
  };
  std::optional<tbb::flow::graph> graph;
  std::optional<tbb::flow::function_node<Job, Done>> render;
  std::optional<tbb::flow::function_node<Done, tbb::flow::continue_msg>> record;
  arena.execute([&] {
    graph.emplace();
    render.emplace(*graph, static_cast<std::size_t>(jobs), [&](const Job& job) -> Done {
      try {
        return {job, work.render(job)};
      } catch (const std::exception& e) {
        return {job, work.failed(job, e.what())};
      } catch (...) {
        return {job, work.failed(job, "unknown error")};
      }
    });
    record.emplace(*graph, tbb::flow::serial, [&](Done done) -> tbb::flow::continue_msg {
      try {
        work.record(std::move(done.outcome));
      } catch (...) {
        // The recorder reports its own errors; nothing may escape a node.
      }
      {
        std::lock_guard lock(mutex);
        --in_flight;
        admitted_bytes -= done.job.estimate;
      }
      freed.notify_all();
      return {};
    });
    tbb::flow::make_edge(*render, *record);
  });

  auto stopping = [&] { return work.stopping && work.stopping(); };
  while (std::optional<Job> job = work.next()) {
    {
      std::unique_lock lock(mutex);
      // Admit when both a worker and the memory are free; a job larger than the whole budget (the engine
      // refuses those before) runs alone.
      // The wait wakes now and then to notice a stop that came from a signal.
      const auto fits = [&] {
        if (in_flight >= jobs) return false;
        if (in_flight == 0) return true;
        return admitted_bytes + job->estimate <= limits.memory_budget;
      };
      while (!fits() && !stopping()) freed.wait_for(lock, std::chrono::milliseconds(100));
      if (stopping()) break;
      ++in_flight;
      admitted_bytes += job->estimate;
      ++stats.admitted;
      stats.peak_in_flight = std::max(stats.peak_in_flight, in_flight);
      stats.peak_admitted_bytes = std::max(stats.peak_admitted_bytes, admitted_bytes);
    }
    arena.execute([&] { render->try_put(*job); });
  }
  arena.execute([&] { graph->wait_for_all(); });
  return stats;
}

}  // namespace prerender::engine
