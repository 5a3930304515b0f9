#pragma once

#include <doctest/doctest.h>
#include <filesystem>
#include <sys/stat.h>
#include <string>

#include "engine/plan.hpp"
#include "manifest/manifest.hpp"
#include "output/journal.hpp"
#include "output/journal_index.hpp"
#include "presets/preset.hpp"
#include "test_support.hpp"
#include "util/hash.hpp"
#include "util/version.hpp"

namespace prerender::test {

// One asset (`lake`, 7 requests, its source at src/lake.jpg: copy a photo there) with one preset of two
// formats (webp, jpeg) at 64 CSS pixels wide.
inline const std::string k_one_photo_site = R"(version: 1
sources: { root: src/ }
output: { root: public/ }
presets:
  hero: { resize: { width: 64 }, format: [webp, jpeg] }
assets:
  - { id: lake, source: lake.jpg, presets: [hero], requests: 7 }
)";

// A manifest in a temporary folder, with its sources under src/ and its output root at public/, planned
// whole. The plan points into the manifest: both live as long as this object.
class PlannedSite {
 public:
  PlannedSite(const TempDir& dir, const std::string& yaml) : m_planned(write_and_plan(dir, yaml)) {}
  const manifest::Manifest& manifest() const { return m_planned.manifest; }
  const engine::PlannedAsset& asset(std::size_t index = 0) const { return m_planned.plan.assets.at(index); }

 private:
  static engine::PlannedManifest write_and_plan(const TempDir& dir, const std::string& yaml) {
    write_file(dir.path() / "site.yaml", yaml);
    return engine::load_and_plan(dir.path() / "site.yaml", {}, false);
  }
  engine::PlannedManifest m_planned;
};

// Copies a fixture into `dir`/src/`name` and returns its path.
inline std::filesystem::path copy_source(const TempDir& dir, const std::string& fixture_name, const std::string& name) {
  std::filesystem::create_directories(dir.path() / "src");
  const std::filesystem::path to = dir.path() / "src" / name;
  std::filesystem::copy_file(fixture(fixture_name), to, std::filesystem::copy_options::overwrite_existing);
  return to;
}

// The journal line a successful earlier run left for `rendition` of `asset`: the source as it is now
// (path, size, mtime, hash), `recipe`, this renderer, and a file of `bytes` bytes.
inline output::RenditionRecord rendered_record(const engine::PlannedAsset& asset, std::size_t rendition,
                                               const std::string& recipe, std::uint64_t bytes) {
  const engine::PlannedRendition& r = asset.renditions.at(rendition);
  output::RenditionRecord out;
  out.asset = asset.asset->id;
  out.preset = r.preset->name;
  out.format = std::string(presets::name(r.format));
  out.dpr = r.dpr;
  out.path = r.path;
  out.url = r.path;
  out.bytes = bytes;
  out.source = asset.asset->source_path.string();
  out.source_hash = util::file_hash(asset.asset->source_path);
  struct stat st {};
  REQUIRE(::stat(out.source.c_str(), &st) == 0);
  out.source_size = static_cast<std::uint64_t>(st.st_size);
  out.source_mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  out.recipe_hash = recipe;
  out.renderer_version = util::k_version;
  out.status = output::Status::rendered;
  return out;
}

// The compact index a run would open for a journal holding `records` (written to a file of its own).
// IncrementalState keeps a reference to it: keep this object alive as long as the state.
class JournalOf {
 public:
  explicit JournalOf(const std::vector<output::RenditionRecord>& records = {})
      : m_snapshot(output::JournalSnapshot::open(written(m_dir, records))) {}
  const output::JournalIndex& index() const { return *m_snapshot.index; }

 private:
  static std::filesystem::path written(const TempDir& dir, const std::vector<output::RenditionRecord>& records) {
    std::string text;
    for (const output::RenditionRecord& r : records) text += output::to_json(r).dump() + "\n";
    write_file(dir.path() / "renditions.jsonl", text);
    return dir.path() / "renditions.jsonl";
  }

  TempDir m_dir;
  output::JournalSnapshot m_snapshot;
};

}  // namespace prerender::test
