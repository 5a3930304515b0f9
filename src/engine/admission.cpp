#include "engine/admission.hpp"

#include <chrono>
#include <fmt/format.h>

#include "publish/headers.hpp"
#include "render/estimate.hpp"
#include "render/source.hpp"
#include "util/system.hpp"
#include "util/time.hpp"
#include "util/units.hpp"

namespace prerender::engine {
using output::RenditionRecord;
using output::Status;

std::vector<render::RenditionRequest> requests_of(const PlannedAsset& asset, const Prepared& prepared) {
  std::vector<render::RenditionRequest> out;
  for (std::size_t i : prepared.todo)
    out.push_back({asset.renditions[i].preset, asset.renditions[i].format, asset.renditions[i].dpr});
  return out;
}

Admission::Admission(const manifest::Manifest& manifest, const IncrementalState& state, std::uint64_t memory_budget,
                     std::uint64_t asked_budget, bool force, const std::atomic<int>* stop)
    : m_manifest(manifest),
      m_state(state),
      m_memory_budget(memory_budget),
      m_asked_budget(asked_budget),
      m_force(force),
      m_stop(stop),
      m_available_memory(util::available_memory()) {}

Prepared Admission::prepare(const PlannedAsset& asset) const {
  Prepared p;
  const auto start = std::chrono::steady_clock::now();
  p.state = m_state.decide(asset, m_force, m_stop);
  for (std::size_t i = 0; i < asset.renditions.size(); ++i) {
    if (!p.state.up_to_date[i]) {
      p.todo.push_back(i);
      continue;
    }
    std::optional<RenditionRecord> read_back = m_state.record(*p.state.previous[i]);
    if (!read_back) {  // the line no longer reads back (or another key's with the same hash): render it
      p.todo.push_back(i);
      continue;
    }
    RenditionRecord same = std::move(*read_back);
    same.status = Status::up_to_date;
    same.changed = false;
    same.seconds = {};
    same.encodes = same.scores = 0;  // this run did no work for it (quality and score stay as decided)
    same.quality_remembered = false;
    same.requests = asset.asset->requests;
    same.finished_at = util::utc_now();
    publish::stamp_http(same, *asset.renditions[i].preset, asset.asset->tags);
    p.up_to_date.push_back(std::move(same));
  }
  if (!p.todo.empty() && p.state.error.empty()) {
    try {
      if (!p.state.source) p.state.source = render::open_source(asset.asset->source_path);
      p.info = render::probe_source(*p.state.source, m_manifest.limits);
      p.estimate = render::estimate_working_set(*p.info, requests_of(asset, p));
    } catch (const std::exception& e) {
      p.state.error = e.what();
    }
    if (p.state.error.empty()) p.state.error = over_memory(p.estimate);
    if (!p.state.error.empty()) p.estimate = 0;  // refused: it fails at once, without decoding
  }
  p.read_seconds = util::seconds_since(start);
  return p;
}

// Why an asset estimated to need `estimate` bytes is not rendered, or nothing: it must fit the budget
// (admitted alone, it would take the memory the budget was set to protect) and what the process may use.
std::string Admission::over_memory(std::uint64_t estimate) const {
  if (m_available_memory && estimate > *m_available_memory && *m_available_memory < m_memory_budget)
    return fmt::format(
        "needs an estimated {}, over the {} of memory this process may use (cgroup limit or available RAM); "
        "it cannot be rendered on this machine",
        util::format_size(estimate), util::format_size(*m_available_memory));
  if (estimate > m_memory_budget)
    return fmt::format(
        "needs an estimated {}, over the memory budget of {} (--memory{}); raise it to render this asset",
        util::format_size(estimate), util::format_size(m_memory_budget),
        m_memory_budget == m_asked_budget
            ? ""
            : fmt::format(", less {} for the journal's entries", util::format_size(m_asked_budget - m_memory_budget)));
  return {};
}

}  // namespace prerender::engine
