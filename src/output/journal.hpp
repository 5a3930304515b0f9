#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "output/root.hpp"

namespace prerender::output {

enum class Status { rendered, up_to_date, failed };
std::string_view name(Status status);

// Seconds spent per stage. Read and decode belong to the asset (one decode serves all its renditions):
// they are recorded on each of its renditions and flagged as shared in the README's field list.
struct StageTimes {
  double read = 0, decode = 0, transform = 0, encode = 0, write = 0;
  double total = 0;  // the rendition's own wall time, measured around transform, encode, hash and write
};

// One line of renditions.jsonl: what was written (or why not), and the state that decides whether the
// next run can skip it. README "renditions.jsonl" documents every field.
struct RenditionRecord {
  std::string asset, preset, format;
  double dpr = 1;
  std::string path, url, content_type;
  int width = 0, height = 0;
  std::uint64_t bytes = 0;
  std::string etag;
  int quality = 0;
  // quality: auto: the butteraugli 3-norm of the bytes against the rendition's own pixels (remembered, with
  // the quality, while the source, recipe and renderer stay the same), and whether the target was missed.
  std::optional<double> score;
  bool target_missed = false;
  bool full_chroma = false;  // quality: auto took 4:4:4 chroma where the preset left it unset
  // The work this line's run did for it: encodes, and butteraugli computations (0 for a remembered quality).
  int encodes = 0, scores = 0;
  bool quality_remembered = false;  // this run encoded at the quality an earlier run decided
  std::string source, source_hash;
  std::uint64_t source_size = 0;
  std::int64_t source_mtime_ns = 0;
  int source_width = 0, source_height = 0;
  std::string recipe_hash, renderer_version, libvips_version;
  Status status = Status::failed;
  std::string error;
  StageTimes seconds;
  // What rendering this rendition costs, for balancing shards (engine/balance.hpp): its own seconds plus its
  // share of the asset's read and decode (split evenly over the asset's planned renditions), wall time on
  // one worker. The previous lines' costs are kept while the asset's measured sum stays within a factor of
  // 1.5 of theirs (engine::sticky_costs), and on up-to-date lines; 0 when never measured (older lines).
  double cost_seconds = 0;
  bool changed = false;  // the bytes at the path differ from what it held before this run
  std::uint64_t requests = 0;
  nlohmann::json asset_metadata;  // dominant colour, text colour, placeholder; null when not computed
  std::string finished_at;        // UTC, ISO 8601
  // HTTP metadata (publish/headers.hpp). Not part of the recipe: an up-to-date rendition is journalled with
  // the preset's and asset's current ones. Empty when the line was written before they were recorded.
  std::string cache_control, cdn_cache_control, surrogate_control;
  std::vector<std::string> tags;
  // Not written: the rendition failed because the object store refused it, not because of its data. Such a
  // record is not journaled (the store does not hold it) and makes the run exit 75.
  bool unstored = false;

  // asset, preset, format and dpr: what identifies a rendition across runs.
  std::string key() const;
};

nlohmann::json to_json(const StageTimes& seconds);
nlohmann::json to_json(const RenditionRecord& record);
// Throws nlohmann::json::exception when a field is missing or of the wrong type.
RenditionRecord record_from_json(const nlohmann::json& json);

class JournalIndex;
struct JournalEntry;

// renditions.jsonl: appended and flushed one line per finished rendition, so a killed run loses nothing
// it finished; read back as the incremental state (the latest line per rendition wins). Opened in the
// output root with O_NOFOLLOW: a link at its name is refused, never followed.
// In memory it keeps only a compact entry per rendition (output/journal_index.hpp: 112 bytes, the
// fields the up-to-date test reads and where the line is); a whole record is read again from the file
// when it is needed.
class Journal {
 public:
  // Reads what the file `name` in `root` holds (a torn last line from a killed run is cut off, through the
  // descriptor) and keeps it open for appending. Throws std::runtime_error when it cannot be opened: a link,
  // not a regular file, or the system's reason.
  Journal(const OutputRoot& root, std::string name);
  ~Journal();

  // The journal as it was opened: read-only, so safe to read from any thread while lines are appended.
  const JournalIndex& at_open() const { return *m_base; }
  // The latest entry of `key`, this run's appends included; nullptr when it has none. Not to be called
  // while another thread appends.
  const JournalEntry* latest(const std::string& key) const;
  // The whole record of an entry of this journal, read from the file; nothing when it does not read back.
  std::optional<RenditionRecord> record(const JournalEntry& entry) const;
  // Calls `each` with the latest entry of every rendition (this run's appends included), in no
  // particular order.
  void for_each_latest(const std::function<void(const JournalEntry&)>& each) const;
  std::size_t unreadable_lines() const;
  // The bytes the entries take in memory.
  std::size_t index_bytes() const;

  // Appends one line and hands it to the kernel. Throws std::runtime_error on a write error (a full disk,
  // a file-size limit); the part of the line that was written is cut off again, so the file stays whole
  // lines, and the record is not remembered.
  void append(const RenditionRecord& record);

  // Replaces the file, atomically, by the latest line of each rendition, copied from the file as it
  // streams by (in the order of those lines). Nothing to do when no line is superseded or unreadable.
  // Throws std::runtime_error when the new file cannot be written; the previous file is then left as it
  // was.
  void compact();

  // Reads a journal without opening it for writing (merge, urls, plan), one line at a time, calling
  // `each` with the record of every line that reads back, in file order; nothing when there is no file.
  // Throws std::runtime_error when the path is a link or not a regular file.
  static void read(const std::filesystem::path& path, const std::function<void(RenditionRecord&&)>& each,
                   std::size_t* unreadable = nullptr);
  // The same, every record collected.
  static std::vector<RenditionRecord> read(const std::filesystem::path& path, std::size_t* unreadable = nullptr);

 private:
  void open_for_append();

  const OutputRoot& m_root;
  std::string m_name;
  std::filesystem::path m_path;  // for messages
  UniqueFd m_fd;
  std::uint64_t m_size = 0;                                    // bytes of whole lines in the file
  std::size_t m_lines = 0;                                     // lines in the file, unreadable ones included
  std::unique_ptr<JournalIndex> m_base;                        // the file as opened
  std::unordered_map<std::uint64_t, JournalEntry> m_appended;  // by key hash: this run's lines
};

// A journal file opened read-only for its entries (plan): the index and the descriptor it reads from.
struct JournalSnapshot {
  UniqueFd fd;
  std::unique_ptr<JournalIndex> index;
  // An empty index when there is no file. Throws std::runtime_error when the path is a link or not a
  // regular file.
  static JournalSnapshot open(const std::filesystem::path& path);
  ~JournalSnapshot();
  JournalSnapshot();
  JournalSnapshot(JournalSnapshot&&) noexcept;
};

}  // namespace prerender::output
