#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "manifest/manifest.hpp"
#include "render/master.hpp"
#include "render/metadata.hpp"
#include "render/rendition.hpp"
#include "render/source.hpp"

namespace prerender::render {

// The work on one asset, with no graph and no files: every `requests` rendition of `source` (already
// probed into `info`), decoded as plan_decodes says, each decode's renditions transformed (once per
// group differing only in the encoding) and encoded.
struct AssetJob {
  SourceHandle source;  // opened once (open_source): probed into `info`, decoded from the same descriptor
  SourceInfo info;
  std::vector<RenditionRequest> requests;
  std::optional<std::pair<double, double>> focus;  // fractions of the upright source
  manifest::Limits limits;
  // Per request (or empty): what an earlier run decided for the same source, recipe and toolchain
  // (quality: auto, max_bytes), encoded once without deciding again.
  std::vector<std::optional<Decision>> remembered_quality = {};
};

// One rendition's result: its bytes, or the reason it failed.
struct RenditionResult {
  Rendered rendered;  // when `error` is empty; transform_seconds only on the first of a shared transform
  std::string error;
  double decode_seconds = 0;  // of the decode it came from, on the decode's first rendition only
};

// Runs body(0) ... body(count - 1), in any order, possibly at once: the engine passes a parallel loop
// (so that an idle worker takes part of a large asset), a test or a command a plain one.
using ParallelFor = std::function<void(std::size_t count, const std::function<void(std::size_t)>& body)>;
void serial_for(std::size_t count, const std::function<void(std::size_t)>& body);

// Called once per request as soon as it is done, from the thread that did it; `request` indexes
// AssetJob::requests. The bytes are the caller's to write; they are gone after the call.
using Deliver = std::function<void(std::size_t request, RenditionResult&& result)>;

// Renders every request of `job`, delivering each. Never throws for a failing rendition or decode (a
// failure is its result). Returns the asset's metadata, computed from the level metadata_level names
// (so that it too is the same whatever is rendered with it), or nothing when `Metadata::no` or when no
// request could use its decode.
enum class Metadata { no, yes };
std::optional<AssetMetadata> render_asset(const AssetJob& job, Metadata metadata, const ParallelFor& parallel,
                                          const Deliver& deliver);

}  // namespace prerender::render
