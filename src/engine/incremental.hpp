#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <tuple>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/plan.hpp"
#include "manifest/manifest.hpp"
#include "output/journal.hpp"
#include "output/journal_index.hpp"
#include "render/source.hpp"

namespace prerender::engine {

// What the journal says about one asset's renditions now.
struct AssetState {
  std::string source_hash;  // empty when nothing needed it yet (no journal line to compare with)
  std::uint64_t source_size = 0;
  std::int64_t source_mtime_ns = 0;
  std::string error;                                  // the source cannot be read: its renditions fail
  render::SourceHandle source;                        // opened once; the probe, hash and decode read it
  std::vector<std::string> recipes;                   // per rendition of the planned asset
  std::vector<const output::JournalEntry*> previous;  // the journal's latest line, or nullptr
  std::vector<bool> up_to_date;
  double seconds = 0;  // spent stat-ing and hashing
};

// The incremental state of an output root: a rendition is up to date when its journal line has the same
// source hash, recipe hash and renderer version, did not fail, and its file is present at the recorded
// size. Hashing a source is skipped when its size and mtime match the journal's.
class IncrementalState {
 public:
  // `previous` (and `fallback`) must outlive the state. `fallback`, when given, answers for the renditions
  // `previous` has no line of: a shard's run reads its own journal, then the output root's merged one (an
  // asset dealt to another shard than last time is still up to date).
  IncrementalState(const manifest::Manifest& manifest, const output::JournalIndex& previous,
                   const output::JournalIndex* fallback = nullptr);

  // Thread-safe after construction (read-only). Opens the asset's source (render::open_source) and
  // keeps it in the state when a rendition is to be done. Throws util::Interrupted when `stop` holds a
  // signal while the source is hashed.
  AssetState decide(const PlannedAsset& asset, bool force, const std::atomic<int>* stop = nullptr) const;
  const output::JournalEntry* previous(const std::string& key) const;
  // The whole record of an entry previous() returned, read from the journal it came from.
  std::optional<output::RenditionRecord> record(const output::JournalEntry& entry) const;
  // Whether the file at `relative` (under output.root) has exactly `bytes` bytes; always true with an object
  // store (output.store), where the journal line stands for the acknowledged object.
  bool file_has_size(const std::string& relative, std::uint64_t bytes) const;
  // Whether the file at `relative` holds the bytes whose content hash is `etag`: with `verify` (--force,
  // which trusts nothing), by hashing what is on disk; without, by its size only, which stays cheap but
  // misses bytes corrupted in place.
  bool file_has_content(const std::string& relative, std::uint64_t bytes, const std::string& etag, bool verify) const;

 private:
  std::string overlay_hash(const std::string& preset) const;
  std::string recipe(const PlannedAsset& asset, const PlannedRendition& rendition) const;

  const manifest::Manifest& m_manifest;
  std::map<std::tuple<const presets::Preset*, presets::Format, double>, std::string> m_recipes;  // without a focus
  const output::JournalIndex& m_previous;
  const output::JournalIndex* m_fallback;
  std::unordered_map<std::string, std::string> m_overlay_hash;
};

// Whether the preset decides the rendition's quality per image (quality: auto, or max_bytes), rather than
// taking it as written.
bool decides_quality(const presets::Preset& preset, presets::Format format);

// Whether `previous` holds a decided quality that still applies: it rendered from the same source bytes,
// recipe and renderer. Such a rendition is encoded once at that quality, and nothing is searched.
bool remembers_quality(const output::JournalEntry* previous, const std::string& source_hash, const std::string& recipe);

// asset \t preset \t format \t dpr, as RenditionRecord::key().
std::string rendition_key(const PlannedAsset& asset, const PlannedRendition& rendition);

}  // namespace prerender::engine
