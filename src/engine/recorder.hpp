#pragma once

#include <string>
#include <vector>

#include "engine/asset_work.hpp"
#include "engine/run.hpp"
#include "output/journal.hpp"

namespace prerender::engine {

// The one writer of the journal and of a run's counts, called by one thread at a time, in the order
// outcomes finish. A record the journal refuses is a failed rendition (what the journal does not hold,
// the next run does not know): counted in `unrecorded`, its first reason kept for the problem line.
class Recorder {
 public:
  Recorder(output::Journal& journal, const RunOptions& options, RunResult& result)
      : m_journal(journal), m_options(options), m_result(result) {}

  void record(Outcome&& outcome);

  // The problem line for the renditions the journal refused, or nothing when it refused none.
  std::string unrecorded_problem(const std::string& journal) const;
  // The problem line for the renditions the object store refused, or nothing.
  std::string unstored_problem() const;
  // This run's records, in the order they were recorded.
  const std::vector<output::RenditionRecord>& records() const { return m_records; }
  // changed.txt: one URL a line, of the renditions whose bytes changed.
  std::string changed_list() const;

 private:
  output::Journal& m_journal;
  const RunOptions& m_options;
  RunResult& m_result;
  std::vector<output::RenditionRecord> m_records;
  std::string m_first_journal_error, m_first_store_error;
};

}  // namespace prerender::engine
