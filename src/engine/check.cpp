#include "engine/check.hpp"

#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <set>

#include "engine/check_update.hpp"
#include "engine/graph.hpp"
#include "render/compare.hpp"
#include "render/jpeg_quality.hpp"
#include "render/runtime.hpp"
#include "render/sniff.hpp"
#include "render/source.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/units.hpp"
#include "util/version.hpp"
#include "util/time.hpp"

namespace prerender::engine {
namespace {

namespace fs = std::filesystem;
using report::Finding;
using report::RenditionCheck;

std::string size_text(int width, int height, int frames) {
  return frames > 1 ? fmt::format("{}x{} ({} frames)", width, height, frames) : fmt::format("{}x{}", width, height);
}

// Every path the whole manifest writes, whatever the selection: a reference for any of them is not extra.
std::set<std::string> all_paths(const manifest::Manifest& manifest) {
  manifest::Diagnostics ignored;
  const Plan full = build_plan(manifest, Selection{}, ignored, false);
  std::set<std::string> out;
  for (const PlannedAsset& asset : full.assets)
    for (const PlannedRendition& r : asset.renditions) out.insert(r.path);
  return out;
}

// Regular files under the reference folder, relative and '/'-separated; hidden files and folders (a
// .gitkeep, our own temporaries) are not references.
std::vector<std::string> reference_files(const fs::path& golden) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(golden, ec)) return out;
  fs::recursive_directory_iterator it(golden, fs::directory_options::skip_permission_denied, ec), end;
  if (ec)
    throw util::FatalError(fmt::format("cannot read the reference folder '{}': {}", golden.string(), ec.message()));
  for (; it != end; it.increment(ec)) {
    if (ec)
      throw util::FatalError(fmt::format("cannot read the reference folder '{}': {}", golden.string(), ec.message()));
    const std::string name = it->path().filename().string();
    if (!name.empty() && name.front() == '.') {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec)) out.push_back(it->path().lexically_relative(golden).generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class Checker {
 public:
  Checker(const manifest::Manifest& manifest, const CheckOptions& options, const fs::path& outputs)
      : m_limits(manifest.limits), m_options(options), m_outputs(outputs) {}

  // Fills in the comparison of one rendition that has a record. Never throws: what goes wrong is a problem.
  void compare(RenditionCheck& c, const output::RenditionRecord& record) const {
    const auto start = std::chrono::steady_clock::now();
    const fs::path reference = m_options.golden / c.path;
    const fs::path candidate = m_outputs / c.path;
    std::error_code ec;
    c.has_reference = fs::is_regular_file(reference, ec);
    if (c.has_reference) c.reference_bytes = fs::file_size(reference, ec);
    if (record.status == output::Status::failed) {
      c.problems.push_back({Finding::render_error, record.error});
    } else if (!c.has_reference) {
      c.problems.push_back({Finding::missing_reference, "no reference at this path"});
    } else {
      compare_files(c, reference, candidate);
    }
    if (m_options.images == ReportImages::yes && !c.passed()) {
      if (c.has_reference) c.reference_image = shown(reference);
      if (c.rendered) c.new_image = shown(candidate);
    }
    if (c.passed()) c.heat_map.reset();
    c.seconds += util::seconds_since(start);
  }

  void describe_extra(RenditionCheck& c) const {
    const fs::path reference = m_options.golden / c.path;
    std::error_code ec;
    c.has_reference = true;
    c.reference_bytes = fs::file_size(reference, ec);
    c.reference_format = render::sniff_output_format_of(reference);
    c.problems.push_back({Finding::extra_reference, "no rendition of the manifest writes this path"});
    // Its size for the report (and the zoom its image is shown at); an undecodable file keeps 0x0.
    try {
      const render::Decoded decoded = render::decode_for_comparison(reference, m_limits);
      c.reference_width = decoded.width, c.reference_height = decoded.height, c.reference_frames = decoded.frames;
      if (c.reference_format == "jpeg") c.reference_quality = render::jpeg_quality(util::read_file(reference));
    } catch (const std::exception&) {
    }
    if (m_options.images == ReportImages::yes) c.reference_image = shown(reference);
  }

 private:
  void compare_files(RenditionCheck& c, const fs::path& reference, const fs::path& candidate) const {
    std::string reference_bytes, candidate_bytes;
    try {
      reference_bytes = util::read_file(reference);
      candidate_bytes = util::read_file(candidate);
    } catch (const std::exception& e) {
      c.problems.push_back({Finding::unreadable_reference, e.what()});
      return;
    }
    c.reference_format = render::sniff_output_format(reference_bytes.substr(0, 64));
    if (reference_bytes == candidate_bytes) {
      c.identical = true;
      c.difference = 0.0;
      c.reference_width = c.width, c.reference_height = c.height, c.reference_frames = c.frames;
      c.reference_quality = c.quality;
      return;
    }
    if (c.reference_format == "jpeg") c.reference_quality = render::jpeg_quality(reference_bytes);
    if (c.reference_format != c.format)
      c.problems.push_back(
          {Finding::format, fmt::format("the reference is {}, the new output {}", c.reference_format, c.format)});
    check_bytes(c);
    std::optional<render::Decoded> old_image, new_image;
    try {
      old_image = render::decode_for_comparison(reference, m_limits);
      c.reference_width = old_image->width, c.reference_height = old_image->height,
      c.reference_frames = old_image->frames;
    } catch (const std::exception& e) {
      c.problems.push_back(
          {Finding::unreadable_reference, fmt::format("the reference cannot be decoded: {}", e.what())});
      return;
    }
    try {
      new_image = render::decode_for_comparison(candidate, m_limits);
      c.frames = new_image->frames;
    } catch (const std::exception& e) {
      c.problems.push_back({Finding::render_error, fmt::format("the new output cannot be decoded: {}", e.what())});
      return;
    }
    if (c.reference_width != c.width || c.reference_height != c.height || c.reference_frames != c.frames) {
      c.problems.push_back(
          {Finding::dimensions, fmt::format("the reference is {}, the new output {}",
                                            size_text(c.reference_width, c.reference_height, c.reference_frames),
                                            size_text(c.width, c.height, c.frames))});
      return;
    }
    try {
      const auto heat = m_options.images == ReportImages::yes ? render::HeatMap::yes : render::HeatMap::no;
      const render::Comparison comparison = render::compare(old_image->image, new_image->image, heat);
      c.difference = comparison.difference;
      if (comparison.difference > c.max_difference)
        c.problems.push_back({Finding::difference, fmt::format("difference {:.4f} over the tolerance {}",
                                                               comparison.difference, c.max_difference)});
      if (heat == render::HeatMap::yes)
        c.heat_map = report::ShownImage{"image/webp", render::report_image(comparison.heat_map)};
    } catch (const std::exception& e) {
      c.problems.push_back({Finding::render_error, e.what()});
    }
  }

  static void check_bytes(RenditionCheck& c) {
    if (c.max_bytes && c.bytes > *c.max_bytes)
      c.problems.push_back({Finding::bytes, fmt::format("{} bytes, over max_bytes {}", c.bytes, *c.max_bytes)});
    if (c.reference_bytes == 0) return;
    const double change = (static_cast<double>(c.bytes) - static_cast<double>(c.reference_bytes)) /
                          static_cast<double>(c.reference_bytes);
    if (std::abs(change) > c.max_bytes_change)
      c.problems.push_back(
          {Finding::bytes, fmt::format("{} ({} bytes) is {:+.1f}% against the reference's {} (tolerance ±{:.0f}%)",
                                       util::format_size(c.bytes), c.bytes, change * 100,
                                       util::format_size(c.reference_bytes), c.max_bytes_change * 100)});
  }

  std::optional<report::ShownImage> shown(const fs::path& path) const {
    try {
      report::ShownImage out;
      out.bytes = render::browser_image(path, m_limits, out.mime);
      return out;
    } catch (const std::exception&) {
      return std::nullopt;  // the report says the image cannot be shown; the problem is already listed
    }
  }

  const manifest::Limits& m_limits;
  const CheckOptions& m_options;
  fs::path m_outputs;
};

}  // namespace

namespace {

void check_golden_folder(const CheckOptions& options) {
  std::error_code ec;
  if (fs::exists(options.golden, ec) && !fs::is_directory(options.golden, ec))
    throw util::FatalError(fmt::format("the reference folder '{}' is not a folder", options.golden.string()));
  if (options.update == Update::no && !fs::is_directory(options.golden, ec))
    throw util::FatalError(
        fmt::format("the reference folder '{}' does not exist (make it with --update)", options.golden.string()));
}

// One check per planned rendition, in plan order (with the record it compares in `sources`), then one per
// extra reference.
void list_checks(const PlannedManifest& planned, const std::map<std::string, output::RenditionRecord>& records,
                 const fs::path& golden, std::vector<RenditionCheck>& checks,
                 std::vector<const output::RenditionRecord*>& sources) {
  for (const PlannedAsset& asset : planned.plan.assets) {
    for (const PlannedRendition& r : asset.renditions) {
      const auto found = records.find(r.path);
      if (found == records.end()) continue;  // not rendered: cannot happen without a signal
      const output::RenditionRecord& record = found->second;
      RenditionCheck c;
      c.asset = record.asset, c.preset = record.preset, c.format = record.format, c.path = record.path,
      c.dpr = record.dpr;
      c.rendered = record.status != output::Status::failed;
      c.width = record.width, c.height = record.height, c.bytes = record.bytes, c.quality = record.quality;
      c.butteraugli = record.score;
      c.full_chroma = record.full_chroma;
      c.max_difference = r.preset->max_difference;
      c.max_bytes_change = r.preset->max_bytes_change;
      c.max_bytes = r.preset->max_bytes;
      c.seconds = record.seconds.total;
      checks.push_back(std::move(c));
      sources.push_back(&record);
    }
  }
  const std::set<std::string> known = all_paths(planned.manifest);
  for (const std::string& path : reference_files(golden)) {
    if (known.count(path) != 0) continue;
    RenditionCheck c;
    c.path = path;
    checks.push_back(std::move(c));
  }
}

}  // namespace

report::CheckResult run_check(const PlannedManifest& planned, const CheckOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  report::CheckResult result;
  result.manifest = planned.manifest.file.string();
  result.golden = options.golden.string();
  result.renderer_version = util::k_version;
  result.libvips_version = render::libvips_version();
  check_golden_folder(options);

  std::optional<util::TempDir> scratch;
  try {
    scratch.emplace("prerender-check-");
  } catch (const std::exception& e) {
    throw util::FatalError(e.what());
  }
  const ScratchRun rendered = render_into(planned, scratch->path(), options.run);
  result.signal = rendered.result.signal;
  if (result.signal != 0) {
    result.seconds = util::seconds_since(start);
    return result;
  }
  std::vector<const output::RenditionRecord*> sources;
  list_checks(planned, rendered.records, options.golden, result.renditions, sources);

  const Checker checker(planned.manifest, options, scratch->path());
  for_each_parallel(
      options.run.jobs, result.renditions.size(),
      [&](std::size_t i) {
        RenditionCheck& c = result.renditions[i];
        if (i < sources.size())
          checker.compare(c, *sources[i]);
        else
          checker.describe_extra(c);
      },
      [] { render::release_thread(); });

  if (options.update == Update::yes) {
    std::error_code ec;
    fs::create_directories(options.golden, ec);
    if (ec)
      throw util::FatalError(
          fmt::format("cannot create the reference folder '{}': {}", options.golden.string(), ec.message()));
    result.update = update_references(result.renditions, options.golden, scratch->path());
  }
  result.seconds = util::seconds_since(start);
  return result;
}

}  // namespace prerender::engine
