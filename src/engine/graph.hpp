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
  int jobs = 1;                     // renders at once
  std::uint64_t memory_budget = 0;  // bytes of estimates admitted at once (the caller refuses a job over
                                    // it; one given anyway runs alone)
};

// The work, injected so that the wiring is tested with fakes.
template <typename Outcome>
struct GraphWork {
  std::function<std::optional<Job>()> next;                       // in priority order; nothing: no more (or stop)
  std::function<Outcome(const Job&)> render;                      // up to `jobs` at once
  std::function<Outcome(const Job&, const std::string&)> failed;  // the outcome of a render that threw
  std::function<void(Outcome&&)> record;                          // one at a time
  std::function<void()> on_worker_exit;                           // e.g. release a library's per-thread state
  std::function<bool()> stopping;                                 // true: admit nothing more (signal, deadline)
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

// What is in flight: a job is admitted when a worker and its memory estimate are free (a job larger
// than the whole budget, which the engine refuses before, runs alone). Shared by the admitting thread
// and the recorder.
class Admission {
 public:
  Admission(int jobs, std::uint64_t memory_budget) : m_jobs(jobs), m_budget(memory_budget) {}

  // Waits until `estimate` fits, waking now and then to notice a stop that came from a signal. False when
  // stopping; otherwise the job is counted in and in `stats`.
  template <typename Stopping>
  bool admit(std::uint64_t estimate, const Stopping& stopping, GraphStats& stats) {
    std::unique_lock lock(m_mutex);
    const auto fits = [&] {
      if (m_in_flight >= m_jobs) return false;
      if (m_in_flight == 0) return true;
      return m_admitted_bytes + estimate <= m_budget;
    };
    while (!fits() && !stopping()) m_freed.wait_for(lock, std::chrono::milliseconds(100));
    if (stopping()) return false;
    ++m_in_flight;
    m_admitted_bytes += estimate;
    ++stats.admitted;
    stats.peak_in_flight = std::max(stats.peak_in_flight, m_in_flight);
    stats.peak_admitted_bytes = std::max(stats.peak_admitted_bytes, m_admitted_bytes);
    return true;
  }

  void release(std::uint64_t estimate) {
    {
      std::lock_guard lock(m_mutex);
      --m_in_flight;
      m_admitted_bytes -= estimate;
    }
    m_freed.notify_all();
  }

 private:
  const int m_jobs;
  const std::uint64_t m_budget;
  std::mutex m_mutex;
  std::condition_variable m_freed;
  int m_in_flight = 0;
  std::uint64_t m_admitted_bytes = 0;
};

}  // namespace detail

// Calls `work(i)` for every i below `count`, at most `jobs` at once, on a oneTBB arena of its own;
// `on_worker_exit` runs on each worker thread as it leaves. `work` must not throw.
template <typename Work>
void for_each_parallel(int jobs, std::size_t count, Work&& work, std::function<void()> on_worker_exit) {
  tbb::task_arena arena(std::max(1, jobs));
  detail::WorkerExitObserver observer(arena, std::move(on_worker_exit));
  arena.execute([&] {
    tbb::parallel_for(
        std::size_t{0}, count, [&](std::size_t i) { work(i); }, tbb::simple_partitioner());
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

  detail::Admission admission(jobs, limits.memory_budget);
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
      admission.release(done.job.estimate);
      return {};
    });
    tbb::flow::make_edge(*render, *record);
  });

  auto stopping = [&] { return work.stopping && work.stopping(); };
  while (std::optional<Job> job = work.next()) {
    if (!admission.admit(job->estimate, stopping, stats)) break;
    arena.execute([&] { render->try_put(*job); });
  }
  arena.execute([&] { graph->wait_for_all(); });
  return stats;
}

}  // namespace prerender::engine
