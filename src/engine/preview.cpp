#include "engine/preview.hpp"

#include <fmt/format.h>
#include <map>

#include "engine/graph.hpp"
#include "render/compare.hpp"
#include "render/runtime.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/version.hpp"

namespace prerender::engine {
namespace {

namespace fs = std::filesystem;
using report::PreviewRendition;

std::string json_string(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// One asset's renditions as the records tell them (a rendition without a record is shown missing).
report::PreviewAsset preview_asset(const PlannedAsset& asset,
                                   const std::map<std::string, output::RenditionRecord>& records) {
  report::PreviewAsset shown;
  shown.id = asset.asset->id;
  shown.source = asset.asset->source;
  for (const PlannedRendition& r : asset.renditions) {
    PreviewRendition p;
    p.preset = r.preset->name, p.format = std::string(presets::name(r.format)), p.path = r.path, p.dpr = r.dpr;
    const auto found = records.find(r.path);
    if (found != records.end()) {
      const output::RenditionRecord& record = found->second;
      if (shown.source_width == 0 && record.source_width > 0) {
        shown.source_width = record.source_width, shown.source_height = record.source_height;
      }
      if (shown.dominant_color.empty()) {
        shown.dominant_color = json_string(record.asset_metadata, "dominant_color");
        shown.text_color = json_string(record.asset_metadata, "text_color");
      }
      if (record.status == output::Status::failed) {
        p.state = PreviewRendition::State::failed;
        p.error = record.error;
      } else {
        p.state = PreviewRendition::State::shown;
        p.width = record.width, p.height = record.height, p.quality = record.quality, p.bytes = record.bytes;
        p.score = record.score;
        p.full_chroma = record.full_chroma;
      }
    }
    shown.renditions.push_back(std::move(p));
  }
  return shown;
}

// The images, read and (for formats browsers do not show) converted in parallel.
void show_images(report::Preview& out, const fs::path& root, const manifest::Limits& limits, int jobs) {
  std::vector<PreviewRendition*> wanted;
  for (report::PreviewAsset& asset : out.assets)
    for (PreviewRendition& r : asset.renditions)
      if (r.state == PreviewRendition::State::shown) wanted.push_back(&r);
  for_each_parallel(
      jobs, wanted.size(),
      [&](std::size_t i) {
        PreviewRendition& r = *wanted[i];
        try {
          report::ShownImage image;
          image.bytes = render::browser_image(root / r.path, limits, image.mime);
          r.image = std::move(image);
        } catch (const std::exception& e) {
          r.error = fmt::format("cannot be shown: {}", e.what());
        }
      },
      [] { render::release_thread(); });
}

}  // namespace

report::Preview build_preview(const PlannedManifest& planned, Fresh fresh, const RunOptions& run) {
  const manifest::Manifest& manifest = planned.manifest;
  report::Preview out;
  out.manifest = manifest.file.string();
  out.renderer_version = util::k_version;
  out.libvips_version = render::libvips_version();

  // The records by path, and the folder their files are in.
  std::map<std::string, output::RenditionRecord> records;
  std::optional<util::TempDir> scratch;
  fs::path root = manifest.output.root;
  if (fresh == Fresh::yes) {
    try {
      scratch.emplace("prerender-preview-");
    } catch (const std::exception& e) {
      throw util::FatalError(e.what());
    }
    root = scratch->path();
    records = render_into(planned, root, run).records;
    out.origin = "rendered now";
  } else {
    const fs::path journal = RunFiles::of(root, std::nullopt).journal;
    std::error_code ec;
    if (!fs::is_regular_file(journal, ec))
      throw util::FatalError(
          fmt::format("'{}' holds no renditions.jsonl: run `prerender run` first, or pass --render", root.string()));
    for (output::RenditionRecord& record : output::Journal::read(journal)) records[record.path] = std::move(record);
    out.origin = root.string();
  }

  for (const PlannedAsset& asset : planned.plan.assets) out.assets.push_back(preview_asset(asset, records));
  show_images(out, root, manifest.limits, run.jobs);
  return out;
}

}  // namespace prerender::engine
