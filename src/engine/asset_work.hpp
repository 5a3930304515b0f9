#pragma once

#include <optional>
#include <vector>

#include "engine/admission.hpp"
#include "engine/incremental.hpp"
#include "engine/plan.hpp"
#include "manifest/manifest.hpp"
#include "output/journal.hpp"
#include "output/object_sink.hpp"
#include "output/root.hpp"

namespace prerender::render {
struct AssetJob;
}  // namespace prerender::render

namespace prerender::engine {

// What the work on one asset gives the recorder: a record for each of its renditions, up-to-date ones
// included, in the planned order of the renditions done after the others.
struct Outcome {
  std::vector<output::RenditionRecord> records;
};

// The work of a run on one admitted asset, on a graph worker: hash the source if admission did not, decode
// once, derive every rendition to do (render::render_asset), write each through the output root unless its
// bytes are already there, and make the records. Never throws: a failure is a record's status. Shared by
// every worker; read-only. An admitted asset is in flight: a stop (SIGINT/SIGTERM) lets it finish, its hash
// included (still bounded by limits.max_seconds), so no signal turns into a failed rendition.
class AssetWork {
 public:
  // With `store`, the renditions are uploaded to it instead of written under `root`.
  AssetWork(const manifest::Manifest& manifest, const IncrementalState& state, const output::OutputRoot& root,
            bool force, output::ObjectSink* store = nullptr)
      : m_manifest(manifest), m_state(state), m_root(root), m_force(force), m_store(store) {}

  // `prepared` is this worker's own from here on (the source hash is filled in when it was not known; the
  // source's descriptor is closed when the asset is done).
  Outcome render(const PlannedAsset& asset, Prepared& prepared) const;
  // Every rendition to do fails with `error`; the up-to-date ones are kept.
  Outcome fail_all(const PlannedAsset& asset, const Prepared& prepared, const std::string& error) const;

 private:
  std::vector<std::optional<output::RenditionRecord>> remembered_qualities(const PlannedAsset& asset, const Prepared& p,
                                                                           render::AssetJob& job) const;
  std::vector<double> costs_of(const PlannedAsset& asset, const Prepared& p,
                               const std::vector<output::RenditionRecord>& records) const;
  output::RenditionRecord base_record(const PlannedAsset& asset, const Prepared& prepared, std::size_t rendition) const;
  output::RenditionRecord record_one(const PlannedAsset& asset, const Prepared& prepared, std::size_t k,
                                     render::RenditionResult&& result, const output::RenditionRecord* remembered) const;
  void upload(const std::string& key, std::string_view bytes, const output::RenditionRecord& r, bool same_bytes,
              bool journaled) const;

  const manifest::Manifest& m_manifest;
  const IncrementalState& m_state;
  const output::OutputRoot& m_root;
  bool m_force;
  output::ObjectSink* m_store;
};

}  // namespace prerender::engine
