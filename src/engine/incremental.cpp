#include "engine/incremental.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <sys/stat.h>

#include "engine/recipe.hpp"
#include "presets/format_defaults.hpp"
#include "util/hash.hpp"
#include "util/source_file.hpp"
#include "util/time.hpp"
#include "util/version.hpp"

namespace prerender::engine {

std::string rendition_key(const PlannedAsset& asset, const PlannedRendition& r) {
  return fmt::format("{}\t{}\t{}\t{}", asset.asset->id, r.preset->name, presets::name(r.format), r.dpr);
}

IncrementalState::IncrementalState(const manifest::Manifest& manifest, const output::JournalIndex& previous,
                                   const output::JournalIndex* fallback)
    : m_manifest(manifest), m_previous(previous), m_fallback(fallback) {
  for (const auto& [name, preset] : manifest.presets) {
    if (!preset.overlay) continue;
    try {
      m_overlay_hash[name] = util::file_hash(preset.overlay->image);
    } catch (const std::exception&) {
      m_overlay_hash[name] = "unreadable";
    }
  }
  // Every recipe without a focal point, once: a catalogue of 100k assets shares a handful of them, and a
  // recipe hash serialises the whole preset.
  for (const auto& [name, preset] : manifest.presets)
    for (presets::Format format : preset.formats)
      for (double dpr : preset.dpr)
        m_recipes[{&preset, format, dpr}] = recipe_hash(preset, format, dpr, std::nullopt, overlay_hash(name));
}

std::string IncrementalState::overlay_hash(const std::string& preset) const {
  const auto found = m_overlay_hash.find(preset);
  return found == m_overlay_hash.end() ? std::string() : found->second;
}

std::string IncrementalState::recipe(const PlannedAsset& asset, const PlannedRendition& r) const {
  if (!asset.asset->focus) {
    const auto found = m_recipes.find({r.preset, r.format, r.dpr});
    if (found != m_recipes.end()) return found->second;
  }
  return recipe_hash(*r.preset, r.format, r.dpr, asset.asset->focus, overlay_hash(r.preset->name));
}

const output::JournalEntry* IncrementalState::previous(const std::string& key) const {
  const output::JournalEntry* own = m_previous.find(key);
  return own || !m_fallback ? own : m_fallback->find(key);
}

std::optional<output::RenditionRecord> IncrementalState::record(const output::JournalEntry& entry) const {
  if (m_fallback) {
    const std::vector<output::JournalEntry>& theirs = m_fallback->entries();
    const std::less<const output::JournalEntry*> before;
    if (!theirs.empty() && !before(&entry, theirs.data()) && before(&entry, theirs.data() + theirs.size()))
      return m_fallback->record(entry);
  }
  return m_previous.record(entry);
}

bool IncrementalState::file_has_size(const std::string& relative, std::uint64_t bytes) const {
  // In an object store, a journal line is written only once the store acknowledged the object: the line
  // stands for it (a HEAD per rendition would cost a request each on every unchanged rerun).
  if (m_manifest.output.store) return true;
  struct stat st {};
  return ::stat((m_manifest.output.root / relative).c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         static_cast<std::uint64_t>(st.st_size) == bytes;
}

bool IncrementalState::file_has_content(const std::string& relative, std::uint64_t bytes, const std::string& etag,
                                        bool verify) const {
  if (!file_has_size(relative, bytes)) return false;
  if (!verify) return true;
  try {
    return util::file_hash(m_manifest.output.root / relative) == etag;  // the etag is content_hash of the bytes
  } catch (const std::exception&) {
    return false;  // unreadable: write it again
  }
}

bool decides_quality(const presets::Preset& preset, presets::Format format) {
  return preset.max_bytes.has_value() || presets::auto_quality(preset, format).has_value();
}

bool remembers_quality(const output::JournalEntry* prev, const std::string& source_hash, const std::string& recipe) {
  return prev && prev->status != output::Status::failed && prev->current_renderer && !source_hash.empty() &&
         prev->same_source_hash(source_hash) && prev->same_recipe_hash(recipe);
}

AssetState IncrementalState::decide(const PlannedAsset& asset, bool force, const std::atomic<int>* stop) const {
  const auto start = std::chrono::steady_clock::now();
  AssetState s;
  const std::string source = asset.asset->source_path.string();
  s.recipes.reserve(asset.renditions.size());
  s.previous.reserve(asset.renditions.size());
  s.up_to_date.reserve(asset.renditions.size());
  for (const PlannedRendition& r : asset.renditions) {
    s.recipes.push_back(recipe(asset, r));
    const bool none = m_previous.entries().empty() && (!m_fallback || m_fallback->entries().empty());
    s.previous.push_back(none ? nullptr : previous(rendition_key(asset, r)));  // a first run: no keys to build
  }
  try {
    s.source = render::open_source(asset.asset->source_path);
  } catch (const std::exception& e) {
    s.error = e.what();
  }
  if (s.source) {
    s.source_size = s.source->identity().size;
    s.source_mtime_ns = s.source->identity().mtime_ns;
    const std::uint64_t source_hash = util::stable_hash64(source);
    for (const output::JournalEntry* prev : s.previous) {
      if (prev && prev->source_path_hash == source_hash && prev->source_size == s.source_size &&
          prev->source_mtime_ns == s.source_mtime_ns && prev->source_hash_kind == output::HashKind::hash) {
        s.source_hash = prev->source_hash_hex();
        break;
      }
    }
    // Hash only when a journal line could still match: with none (a new asset, or --force) the hash can
    // wait for the renderer, off this thread.
    bool comparable = false;
    for (const output::JournalEntry* prev : s.previous)
      comparable = comparable || (prev && prev->status != output::Status::failed);
    if (s.source_hash.empty() && comparable && !force) {
      try {
        s.source_hash = render::hash_source(*s.source, m_manifest.limits, stop);
      } catch (const util::Interrupted&) {
        throw;
      } catch (const std::exception& e) {
        s.error = e.what();
      }
    }
  }
  for (std::size_t i = 0; i < asset.renditions.size(); ++i) {
    const output::JournalEntry* prev = s.previous[i];
    s.up_to_date.push_back(!force && s.error.empty() && prev && prev->status != output::Status::failed &&
                           prev->same_source_hash(s.source_hash) && prev->same_recipe_hash(s.recipes[i]) &&
                           prev->current_renderer && file_has_size(asset.renditions[i].path, prev->bytes));
  }
  // Nothing to render: the descriptor is not held while the run goes on.
  if (std::find(s.up_to_date.begin(), s.up_to_date.end(), false) == s.up_to_date.end() || !s.error.empty())
    s.source.reset();
  s.seconds = util::seconds_since(start);
  return s;
}

}  // namespace prerender::engine
