#include "engine/render_files.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <map>

#include "manifest/inline_preset.hpp"
#include "output/atomic_write.hpp"
#include "output/path_template.hpp"
#include "render/source.hpp"
#include "util/suggest.hpp"

namespace prerender::engine {
namespace fs = std::filesystem;

presets::Preset command_line_preset(const std::string& preset_name,
                                    const std::map<std::string, presets::Preset>& library, const std::string& origin,
                                    const std::vector<std::pair<std::string, std::string>>& settings) {
  presets::PresetSpec base;
  std::string name = "custom";
  if (!preset_name.empty()) {
    auto found = library.find(preset_name);
    if (found == library.end()) {
      std::vector<std::string_view> names;
      for (const auto& [n, p] : library) names.push_back(n);
      throw manifest::ManifestError(
          {{origin, {}, fmt::format("no preset '{}'{}", preset_name, util::did_you_mean(preset_name, names))}});
    }
    base = presets::to_spec(found->second);
    name = preset_name;
  }
  const presets::PresetSpec flags = manifest::parse_inline_preset(settings);
  presets::Preset preset = presets::resolve(name, presets::merge(base, flags));
  std::vector<manifest::Diagnostic> problems;
  for (std::string& p : manifest::preset_problems(preset)) problems.push_back({"<command line>", {}, std::move(p)});
  if (!problems.empty()) throw manifest::ManifestError(std::move(problems));
  return preset;
}

namespace {

// The output format `path`'s extension names ("jpg" and "jpeg" both name jpeg), if any: then -o names a
// file, else a folder (so that "-o renders.v2" is still a folder).
std::optional<presets::Format> format_of_extension(const fs::path& path) {
  std::string ext = path.extension().string();
  if (ext.empty()) return std::nullopt;
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  ext.erase(0, 1);
  if (ext == "jpeg") return presets::Format::jpeg;
  for (std::size_t i = 0; i < presets::k_format_names.size(); ++i) {
    const auto format = static_cast<presets::Format>(i);
    if (ext == presets::extension(format)) return format;
  }
  return std::nullopt;
}

fs::path output_path(const fs::path& source, const presets::Preset& preset, const render::RenditionRequest& request,
                     const std::string& out, bool single_file) {
  return single_file ? fs::path(out)
                     : fs::path(out) / fmt::format("{}-{}{}.{}", source.stem().string(), preset.name,
                                                   output::dpr_suffix(request.dpr), presets::extension(request.format));
}

}  // namespace

OutputPlan plan_outputs(const FilesJob& o) {
  const presets::Preset& preset = o.preset;
  OutputPlan plan;
  std::vector<std::string>& out = plan.problems;
  const std::size_t per_source = preset.formats.size() * preset.dpr.size();
  std::error_code ec;
  const std::optional<presets::Format> named = fs::is_directory(o.out, ec) ? std::nullopt : format_of_extension(o.out);
  plan.single_file = named.has_value();
  if (named && o.sources.size() * per_source > 1)
    out.push_back(
        fmt::format("-o '{}' names one file, but this makes {} renditions ({} source{} x {} format{} x {} densit{}); "
                    "give a folder, e.g. -o {}/",
                    o.out, o.sources.size() * per_source, o.sources.size(), o.sources.size() == 1 ? "" : "s",
                    preset.formats.size(), preset.formats.size() == 1 ? "" : "s", preset.dpr.size(),
                    preset.dpr.size() == 1 ? "y" : "ies", fs::path(o.out).stem().string()));
  else if (named && *named != preset.formats.front())
    out.push_back(fmt::format("-o '{}' names a {} file, but the rendition is {}; name it .{} or pass --format {}",
                              o.out, presets::name(*named), presets::name(preset.formats.front()),
                              presets::extension(preset.formats.front()), presets::name(*named)));
  if (plan.single_file) return plan;
  // Refused rather than renamed: the names are documented (<stem>-<preset>...), editors look for them
  // and scripts pick them up, and a suffix chosen by the order of the arguments would say nothing about
  // which source is which. Two sources writing one output is a validation error in a manifest too.
  std::map<std::string, std::string> by_stem;
  for (const std::string& source : o.sources) {
    const std::string stem = fs::path(source).stem().string();
    const auto [it, inserted] = by_stem.emplace(stem, source);
    if (!inserted)
      out.push_back(
          fmt::format("'{}' and '{}' would both be written as {}; render them into separate folders (-o) "
                      "or rename one",
                      it->second, source, (fs::path(o.out) / fmt::format("{}-{}*", stem, preset.name)).string()));
  }
  return plan;
}

std::vector<std::string> render_file(const std::string& source_name, const FilesJob& o, const OutputPlan& outputs,
                                     const std::function<void(const FileOutput&)>& written) {
  const fs::path source = source_name;
  const presets::Preset& preset = o.preset;
  const manifest::Limits& limits = o.limits;
  try {
    const render::SourceHandle file = render::open_source(source);
    const render::SourceInfo info = render::probe_source(*file, limits);
    std::vector<render::RenditionRequest> requests;
    for (presets::Format format : preset.formats)
      for (double dpr : preset.dpr) requests.push_back({&preset, format, dpr});
    // The same per-asset work as `run`, so that a rendition here has the very bytes a run gives it.
    const render::AssetJob job{file, info, requests, std::nullopt, limits};
    std::vector<std::pair<std::size_t, std::string>> failures;  // request index, reason
    render::render_asset(
        job, render::Metadata::no, render::serial_for, [&](std::size_t k, render::RenditionResult&& result) {
          if (!result.error.empty()) {
            failures.emplace_back(k, std::move(result.error));
            return;
          }
          const render::RenditionRequest& request = requests[k];
          const render::Rendered& r = result.rendered;
          const fs::path path = output_path(source, preset, request, o.out, outputs.single_file);
          try {
            output::write_atomically(path, r.bytes);
          } catch (const std::exception& e) {
            failures.emplace_back(k, e.what());
            return;
          }
          written(FileOutput{path, request.format, &r, result.decode_seconds + r.transform_seconds + r.encode_seconds});
        });
    if (failures.empty()) return {};
    // A source that could not be decoded fails every rendition for one reason: said once. Otherwise each
    // failed rendition (a budget one format cannot fit) is named; the others were written.
    const bool one_reason = failures.size() == requests.size() &&
                            std::all_of(failures.begin(), failures.end(),
                                        [&](const auto& f) { return f.second == failures.front().second; });
    if (one_reason) return {fmt::format("{}: {}", source.string(), failures.front().second)};
    std::sort(failures.begin(), failures.end());
    std::vector<std::string> out;
    for (const auto& [k, reason] : failures)
      out.push_back(
          fmt::format("{}: {} {}x: {}", source.string(), presets::name(requests[k].format), requests[k].dpr, reason));
    return out;
  } catch (const std::exception& e) {
    return {fmt::format("{}: {}", source.string(), e.what())};
  }
}

}  // namespace prerender::engine
