#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "output/journal.hpp"

namespace prerender::output {

// A 128-bit content hash (util::content_hash) held as two words, not 32 hex digits, and what the text was:
// empty, a hash, or anything else (which equals no hash).
struct Hash128 {
  std::uint64_t high = 0, low = 0;
};
enum class HashKind : std::uint8_t { empty, hash, other };
HashKind parse_hash(std::string_view hex, Hash128& out);

// What the decisions of a run need about one rendition's latest journal line, in 112 bytes: where the
// line is (to read the whole record again when needed) and the fields the up-to-date test reads.
struct JournalEntry {
  std::uint64_t key_hash = 0;  // util::stable_hash64(RenditionRecord::key())
  std::uint64_t offset = 0;    // of the line in the file
  std::uint64_t bytes = 0, source_size = 0;
  std::int64_t source_mtime_ns = 0;
  std::uint64_t source_path_hash = 0;  // util::stable_hash64(source)
  Hash128 etag, source_hash, recipe_hash;
  std::uint32_t length = 0;  // of the line, without its '\n'
  float cost_seconds = 0;    // RenditionRecord::cost_seconds; 0 when the line has none
  Status status = Status::failed;
  bool current_renderer = false;  // renderer_version is this build's util::k_version
  HashKind etag_kind = HashKind::empty, source_hash_kind = HashKind::empty, recipe_hash_kind = HashKind::empty;

  // Whether the line's field held exactly `hex`.
  bool same_etag(std::string_view hex) const { return same(etag, etag_kind, hex); }
  bool same_source_hash(std::string_view hex) const { return same(source_hash, source_hash_kind, hex); }
  bool same_recipe_hash(std::string_view hex) const { return same(recipe_hash, recipe_hash_kind, hex); }
  // The source hash as 32 hex digits; empty when the line had none (or not a hash).
  std::string source_hash_hex() const;

 private:
  static bool same(const Hash128& hash, HashKind kind, std::string_view hex);
};

// The key hash of a rendition key (asset \t preset \t format \t dpr).
std::uint64_t key_hash(std::string_view key);

// Reads one journal line without building a document: the entry, or nothing when the line would not
// read back as a RenditionRecord (record_from_json would throw: bad JSON, a field missing or of the wrong
// type). `offset` is stored in the entry.
std::optional<JournalEntry> scan_line(std::string_view line, std::uint64_t offset);

// Calls `each(line, offset)` for every non-empty line of the first `size` bytes of the open file `fd`,
// read in 1 MiB steps (pread: the descriptor's offset is not moved). Throws std::runtime_error naming
// `shown` when reading fails.
void for_each_line(int fd, std::uint64_t size, const std::filesystem::path& shown,
                   const std::function<void(std::string_view line, std::uint64_t offset)>& each);

// The latest entry of every rendition of a journal file: sorted by key hash, one per key.
class JournalIndex {
 public:
  JournalIndex() = default;
  // Scans the first `size` bytes of `fd` (which must stay open while the index is used).
  JournalIndex(int fd, std::uint64_t size, const std::filesystem::path& shown);

  // nullptr when the rendition has no line.
  const JournalEntry* find(std::uint64_t key_hash) const;
  const JournalEntry* find(const std::string& key) const { return find(output::key_hash(key)); }
  // The whole record of `entry`, read again from the file; nothing when the line no longer reads back.
  std::optional<RenditionRecord> record(const JournalEntry& entry) const;

  const std::vector<JournalEntry>& entries() const { return m_entries; }
  std::vector<JournalEntry>& entries() { return m_entries; }
  std::size_t lines() const { return m_lines; }
  std::size_t unreadable() const { return m_unreadable; }
  // What the index holds in memory.
  std::size_t bytes() const { return m_entries.capacity() * sizeof(JournalEntry); }
  int fd() const { return m_fd; }
  void set_fd(int fd) { m_fd = fd; }

 private:
  int m_fd = -1;
  std::filesystem::path m_shown;
  std::vector<JournalEntry> m_entries;
  std::size_t m_lines = 0, m_unreadable = 0;
};

}  // namespace prerender::output
