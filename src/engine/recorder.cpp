#include "engine/recorder.hpp"

#include <fmt/format.h>

namespace prerender::engine {
using output::RenditionRecord;
using output::Status;

void Recorder::record(Outcome&& outcome) {
  for (RenditionRecord& r : outcome.records) {
    try {
      if (r.unstored) {
        if (m_result.unstored++ == 0) m_first_store_error = r.error;
      } else {
        m_journal.append(r);
      }
    } catch (const std::exception& e) {
      const std::string reason = fmt::format("could not be recorded in the journal: {}", e.what());
      r.error = r.status == Status::failed ? fmt::format("{} (and {})", r.error, reason) : reason;
      r.status = Status::failed;
      if (m_result.unrecorded++ == 0) m_first_journal_error = e.what();
    }
    switch (r.status) {
      case Status::rendered: ++m_result.rendered; break;
      case Status::up_to_date: ++m_result.up_to_date; break;
      case Status::failed: ++m_result.failed; break;
    }
    if (m_options.on_rendition)
      m_options.on_rendition(r, m_result.rendered + m_result.up_to_date + m_result.failed, m_result.failed);
    if (r.changed) ++m_result.changed;
    m_records.push_back(std::move(r));
  }
}

std::string Recorder::unrecorded_problem(const std::string& journal) const {
  if (m_result.unrecorded == 0) return {};
  return fmt::format(
      "{} rendition{} could not be recorded in the journal '{}' and count as failed "
      "(a later run redoes them): {}",
      m_result.unrecorded, m_result.unrecorded == 1 ? "" : "s", journal, m_first_journal_error);
}

std::string Recorder::unstored_problem() const {
  if (m_result.unstored == 0) return {};
  return fmt::format("{} rendition{} could not be stored and {} not journaled (a retry redoes {}): {}",
                     m_result.unstored, m_result.unstored == 1 ? "" : "s", m_result.unstored == 1 ? "is" : "are",
                     m_result.unstored == 1 ? "it" : "them", m_first_store_error);
}

std::string Recorder::changed_list() const {
  std::string out;
  for (const RenditionRecord& r : m_records)
    if (r.changed) out += r.url + "\n";
  return out;
}

}  // namespace prerender::engine
