#include "engine/asset_work.hpp"

#include <chrono>
#include <cmath>
#include <functional>
#include <oneapi/tbb/parallel_for.h>

#include "engine/balance.hpp"
#include "output/path_template.hpp"
#include "presets/preset_view.hpp"
#include "publish/headers.hpp"
#include "render/runtime.hpp"
#include "render/source.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/time.hpp"
#include "util/version.hpp"

namespace prerender::engine {
using output::RenditionRecord;
using output::Status;

namespace {

nlohmann::json metadata_to_json(const render::AssetMetadata& m) {
  return {{"width", m.width},
          {"height", m.height},
          {"dominant_color", presets::to_string(m.dominant)},
          {"text_color", presets::to_string(m.text)},
          {"text_contrast", std::round(m.text_contrast * 100) / 100},
          {"blurhash", m.blurhash}};
}

}  // namespace

RenditionRecord AssetWork::base_record(const PlannedAsset& asset, const Prepared& p, std::size_t i) const {
  const PlannedRendition& r = asset.renditions[i];
  RenditionRecord out;
  out.asset = asset.asset->id;
  out.preset = r.preset->name;
  out.format = presets::name(r.format);
  out.dpr = r.dpr;
  out.path = r.path;
  out.url = output::url_for(m_manifest.output.base_url.empty() ? "/" : m_manifest.output.base_url, r.path);
  out.content_type = presets::content_type(r.format);
  out.source = asset.asset->source_path.string();
  out.source_hash = p.state.source_hash;
  out.source_size = p.state.source_size;
  out.source_mtime_ns = p.state.source_mtime_ns;
  if (p.info) {
    out.source_width = p.info->width;
    out.source_height = p.info->height;
  }
  out.recipe_hash = p.state.recipes[i];
  out.renderer_version = util::k_version;
  out.libvips_version = render::libvips_version();
  out.requests = asset.asset->requests;
  out.finished_at = util::utc_now();
  return out;
}

Outcome AssetWork::fail_all(const PlannedAsset& asset, const Prepared& p, const std::string& error) const {
  Outcome out{p.up_to_date};
  for (std::size_t i : p.todo) {
    RenditionRecord r = base_record(asset, p, i);
    r.status = Status::failed;
    r.error = error;
    r.seconds.read = p.read_seconds;
    r.cost_seconds = p.state.previous[i] ? p.state.previous[i]->cost_seconds : 0;
    out.records.push_back(std::move(r));
  }
  return out;
}

// The records of renditions whose quality was decided before for the same source bytes, recipe and
// renderer (nothing for the others), with those qualities set in `job`.
std::vector<std::optional<RenditionRecord>> AssetWork::remembered_qualities(const PlannedAsset& asset,
                                                                            const Prepared& p,
                                                                            render::AssetJob& job) const {
  std::vector<std::optional<RenditionRecord>> remembered(p.todo.size());
  job.remembered_quality.resize(p.todo.size());
  for (std::size_t k = 0; k < p.todo.size(); ++k) {
    const std::size_t i = p.todo[k];
    const PlannedRendition& r = asset.renditions[i];
    if (!decides_quality(*r.preset, r.format) ||
        !remembers_quality(p.state.previous[i], p.state.source_hash, p.state.recipes[i]))
      continue;
    remembered[k] = m_state.record(*p.state.previous[i]);
    if (remembered[k] && remembered[k]->quality > 0)
      job.remembered_quality[k] = render::Decision{remembered[k]->quality, remembered[k]->full_chroma};
    else
      remembered[k].reset();
  }
  return remembered;
}

// Each rendition's cost: its own seconds plus an even share of the asset's read and decodes, so that summed
// over the asset's planned renditions the costs are what rendering the asset in full takes.
std::vector<double> AssetWork::costs_of(const PlannedAsset& asset, const Prepared& p,
                                        const std::vector<RenditionRecord>& records) const {
  double shared = p.read_seconds;
  for (const RenditionRecord& r : records) shared += r.seconds.decode;
  shared /= static_cast<double>(asset.renditions.size());
  std::vector<double> previous, measured;
  for (std::size_t k = 0; k < records.size(); ++k) {
    const output::JournalEntry* line = p.state.previous[p.todo[k]];
    previous.push_back(line ? line->cost_seconds : 0);
    measured.push_back(records[k].seconds.total + shared);
  }
  return sticky_costs(previous, measured);
}

Outcome AssetWork::render(const PlannedAsset& asset, Prepared& p) const {
  // The source's descriptor is closed when the asset is done, whatever happens.
  const render::SourceHandle source = std::move(p.state.source);
  if (p.todo.empty()) return Outcome{p.up_to_date};
  if (!p.state.error.empty()) return fail_all(asset, p, p.state.error);
  if (p.state.source_hash.empty()) {
    const auto hash_start = std::chrono::steady_clock::now();
    try {
      p.state.source_hash = render::hash_source(*source, m_manifest.limits, nullptr);
    } catch (const std::exception& e) {
      return fail_all(asset, p, e.what());
    }
    p.read_seconds += util::seconds_since(hash_start);
  }
  render::AssetJob job{source, *p.info, requests_of(asset, p), std::nullopt, m_manifest.limits};
  // A quality decided for the same source bytes, recipe and renderer is encoded again, not searched again.
  const std::vector<std::optional<RenditionRecord>> remembered = remembered_qualities(asset, p, job);
  if (asset.asset->focus) job.focus = std::pair{asset.asset->focus->x, asset.asset->focus->y};
  std::vector<RenditionRecord> records(p.todo.size());
  // The decodes' transform groups, and the encodes within a group, are independent: a worker with
  // nothing else to do (the end of a run, an asset admitted alone for its size) takes some of them.
  const render::ParallelFor parallel = [](std::size_t count, const std::function<void(std::size_t)>& body) {
    tbb::parallel_for(std::size_t{0}, count, body, tbb::simple_partitioner());
  };
  const std::optional<render::AssetMetadata> metadata =
      render::render_asset(job, render::Metadata::yes, parallel, [&](std::size_t k, render::RenditionResult&& result) {
        records[k] = record_one(asset, p, k, std::move(result), remembered[k] ? &*remembered[k] : nullptr);
      });
  const std::vector<double> costs = costs_of(asset, p, records);
  Outcome out{p.up_to_date};
  const nlohmann::json metadata_json = metadata ? metadata_to_json(*metadata) : nlohmann::json();
  for (std::size_t k = 0; k < records.size(); ++k) {
    RenditionRecord& r = records[k];
    r.cost_seconds = costs[k];
    r.asset_metadata = metadata_json;
    out.records.push_back(std::move(r));
  }
  return out;
}

// Writes one rendition's bytes (unless the same bytes are already there) and makes its record.
RenditionRecord AssetWork::record_one(const PlannedAsset& asset, const Prepared& p, std::size_t k,
                                      render::RenditionResult&& result, const RenditionRecord* remembered) const {
  const std::size_t i = p.todo[k];
  const PlannedRendition& planned = asset.renditions[i];
  RenditionRecord r = base_record(asset, p, i);
  r.seconds.read = p.read_seconds;
  r.seconds.decode = result.decode_seconds;
  try {
    if (!result.error.empty()) throw render::RenderError(result.error);
    const render::Rendered& rendered = result.rendered;
    r.seconds.transform = rendered.transform_seconds;
    r.seconds.encode = rendered.encode_seconds;
    r.width = rendered.width;
    r.height = rendered.height;
    r.quality = rendered.quality;
    r.full_chroma = rendered.full_chroma;
    r.encodes = rendered.encodes;
    r.scores = rendered.scores;
    // A remembered quality keeps the score it was chosen with: the same pixels, the same bytes.
    const bool kept = remembered && rendered.scores == 0 && rendered.quality == remembered->quality &&
                      rendered.full_chroma == remembered->full_chroma;
    r.score = kept ? remembered->score : rendered.score;
    r.target_missed = kept ? remembered->target_missed : rendered.target_missed;
    r.quality_remembered = kept;
    r.bytes = rendered.bytes.size();
    r.etag = util::content_hash(rendered.bytes);
    // Changed means other bytes than the journal says the CDN was given: a file put back with its
    // recorded bytes (deleted, or forced) is written but is no reason to purge.
    const output::JournalEntry* prev = p.state.previous[i];
    const bool same_bytes = prev && prev->same_etag(r.etag);
    publish::stamp_http(r, *planned.preset, asset.asset->tags);  // the store keeps the headers with the object
    const auto write_start = std::chrono::steady_clock::now();
    if (m_store)
      upload(planned.path, rendered.bytes, r, same_bytes, prev != nullptr);
    else if (!same_bytes || !m_state.file_has_content(planned.path, r.bytes, r.etag, m_force))
      m_root.write(planned.path, rendered.bytes);
    r.seconds.write = util::seconds_since(write_start);
    r.changed = !same_bytes;
    r.status = Status::rendered;
  } catch (const util::RetryableError& e) {  // the object store's refusal: not the rendition's data
    r.status = Status::failed;
    r.error = e.what();
    r.unstored = true;
  } catch (const std::exception& e) {
    r.status = Status::failed;
    r.error = e.what();
  }
  r.seconds.total = r.seconds.transform + r.seconds.encode + r.seconds.write;
  r.finished_at = util::utc_now();
  return r;
}

// An object the journal says holds these bytes is not sent again; nor, when the journal knows nothing of it
// (a first run into a store others filled, a journal lost), one whose content-hash metadata is the same.
void AssetWork::upload(const std::string& key, std::string_view bytes, const RenditionRecord& r, bool same_bytes,
                       bool journaled) const {
  if (!m_force && (same_bytes || (!journaled && m_store->stored_hash(key) == r.etag))) {
    m_store->count_unchanged();
    return;
  }
  m_store->put(key, bytes, publish::object_headers(r));
}

}  // namespace prerender::engine
