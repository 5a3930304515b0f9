#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/plan.hpp"
#include "output/journal.hpp"

namespace prerender::popularity {

// Maps a request URL back to the rendition it asks for: the inverse of what `run` writes. Every output path
// of the whole manifest's plan (the path template expanded for each asset x preset x format x dpr) and every
// path the journal recorded for an asset still in the manifest (renditions written under an earlier
// template) is a key; nothing is guessed from the shape of a URL.
class UrlMap {
 public:
  struct Entry {
    std::uint32_t asset = 0;                 // index into the plan's assets
    std::optional<std::uint32_t> rendition;  // index into the asset's renditions; none for a journal-only path
  };

  // `plan` is the plan of the whole manifest and must outlive the map; `base_url` is output.base_url.
  UrlMap(const engine::Plan& plan, std::string_view base_url, const std::vector<output::RenditionRecord>& journal);

  // The path under the output root that a request target names: "https://host" and the base URL's path
  // (or a single '/') taken off, the query string and fragment cut, percent-escapes decoded (into
  // `scratch` when there are any).
  std::string_view relative_path(std::string_view url, std::string& scratch) const;

  // The entry of a relative path, or nothing.
  std::optional<std::uint32_t> find(std::string_view relative) const;
  const Entry& entry(std::uint32_t index) const { return m_entries[index]; }
  std::size_t size() const { return m_entries.size(); }
  const engine::Plan& plan() const { return m_plan; }

 private:
  // An open-addressing table of (hash, entry): one lookup per log line touches one slot and, when the
  // hash matches, one path; std::unordered_map's nodes cost a third of the whole run in cache misses.
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t entry = k_empty;
  };
  static constexpr std::uint32_t k_empty = UINT32_MAX;

  void add(std::string path, Entry entry);
  std::size_t slot_of(std::string_view path, std::uint64_t hash) const;  // its slot, or the empty one it would take

  const engine::Plan& m_plan;
  std::string m_base_path;          // the path of base_url, with its leading and trailing '/': "/img/" or "/"
  std::deque<std::string> m_paths;  // by entry
  std::vector<Entry> m_entries;
  std::vector<Slot> m_slots;  // a power of two, at most half full
};

}  // namespace prerender::popularity
