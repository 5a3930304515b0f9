#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <unistd.h>

#include "cli/context.hpp"
#include "manifest/inline_preset.hpp"
#include "manifest/keys.hpp"
#include "manifest/manifest.hpp"
#include "output/atomic_write.hpp"
#include "output/path_template.hpp"
#include "render/asset.hpp"
#include "render/runtime.hpp"
#include "render/source.hpp"
#include "util/suggest.hpp"

namespace prerender::cli {
namespace fs = std::filesystem;

namespace {

struct RenderOptions {
  std::vector<std::string> sources;
  std::string out;
  std::string preset;
  std::string manifest;
  std::vector<std::pair<std::string, std::string>> settings;  // from the inline flags, in order
  std::vector<std::string> allow;                               // source formats opted into (limits.formats)
};

// The bundled preset libraries: installed beside the binary, or in the source tree of a build folder.
std::vector<fs::path> bundled_presets(const char* argv0) {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) exe = fs::absolute(argv0);
  for (const fs::path& candidate : {exe.parent_path() / "../share/prerender/presets", exe.parent_path() / "../presets",
                                    exe.parent_path() / "../../presets"}) {
    if (!fs::is_directory(candidate, ec)) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(candidate, ec))
      if (entry.path().extension() == ".yaml") files.push_back(entry.path().lexically_normal());
    std::sort(files.begin(), files.end());
    if (!files.empty()) return files;
  }
  return {};
}

// The preset the flags describe: the named one (from -m or the bundled library) with the inline
// settings over it. Throws ManifestError.
presets::Preset build_preset(const RenderOptions& o, const manifest::Manifest* from, const char* argv0) {
  presets::PresetSpec base;
  std::string name = "custom";
  if (!o.preset.empty()) {
    std::map<std::string, presets::Preset> library =
        from ? from->presets : manifest::load_preset_library(bundled_presets(argv0));
    auto found = library.find(o.preset);
    if (found == library.end()) {
      std::vector<std::string_view> names;
      for (const auto& [n, p] : library) names.push_back(n);
      throw manifest::ManifestError({{o.manifest.empty() ? "bundled presets" : o.manifest, {},
                                      fmt::format("no preset '{}'{}", o.preset, util::did_you_mean(o.preset, names))}});
    }
    base = presets::to_spec(found->second);
    name = o.preset;
  }
  const presets::PresetSpec flags = manifest::parse_inline_preset(o.settings);
  presets::Preset preset = presets::resolve(name, presets::merge(base, flags));
  std::vector<manifest::Diagnostic> problems;
  for (std::string& p : manifest::preset_problems(preset)) problems.push_back({"<command line>", {}, std::move(p)});
  if (!problems.empty()) throw manifest::ManifestError(std::move(problems));
  return preset;
}

// The output format `path`'s extension names ("jpg" and "jpeg" both name jpeg), if any: then -o names a
// file, else a folder (so that "-o renders.v2" is still a folder).
std::optional<presets::Format> format_of_extension(const fs::path& path) {
  std::string ext = path.extension().string();
  if (ext.empty()) return std::nullopt;
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  ext.erase(0, 1);
  if (ext == "jpeg") return presets::Format::jpeg;
  for (std::size_t i = 0; i < presets::k_format_names.size(); ++i) {
    const auto format = static_cast<presets::Format>(i);
    if (ext == presets::extension(format)) return format;
  }
  return std::nullopt;
}

fs::path output_path(const fs::path& source, const presets::Preset& preset, const render::RenditionRequest& request,
                     const RenderOptions& o, bool single_file) {
  return single_file ? fs::path(o.out)
                     : fs::path(o.out) / fmt::format("{}-{}{}.{}", source.stem().string(), preset.name,
                                                     output::dpr_suffix(request.dpr), presets::extension(request.format));
}

struct OutputPlan {
  bool single_file = false;            // -o names the one output file
  std::vector<std::string> problems;   // empty when the outputs can be written as asked
};

// Where the outputs go, and what the command line asks that cannot be done as asked, before anything
// is rendered: -o naming one file for several renditions or for another format, and two sources whose
// outputs would share names (the later would silently replace the earlier).
OutputPlan plan_outputs(const RenderOptions& o, const presets::Preset& preset) {
  OutputPlan plan;
  std::vector<std::string>& out = plan.problems;
  const std::size_t per_source = preset.formats.size() * preset.dpr.size();
  std::error_code ec;
  const std::optional<presets::Format> named = fs::is_directory(o.out, ec) ? std::nullopt : format_of_extension(o.out);
  plan.single_file = named.has_value();
  if (named && o.sources.size() * per_source > 1)
    out.push_back(fmt::format("-o '{}' names one file, but this makes {} renditions ({} source{} x {} format{} x {} densit{}); "
                              "give a folder, e.g. -o {}/",
                              o.out, o.sources.size() * per_source, o.sources.size(), o.sources.size() == 1 ? "" : "s",
                              preset.formats.size(), preset.formats.size() == 1 ? "" : "s", preset.dpr.size(),
                              preset.dpr.size() == 1 ? "y" : "ies", fs::path(o.out).stem().string()));
  else if (named && *named != preset.formats.front())
    out.push_back(fmt::format("-o '{}' names a {} file, but the rendition is {}; name it .{} or pass --format {}", o.out,
                              presets::name(*named), presets::name(preset.formats.front()),
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
      out.push_back(fmt::format("'{}' and '{}' would both be written as {}; render them into separate folders (-o) "
                                "or rename one",
                                it->second, source,
                                (fs::path(o.out) / fmt::format("{}-{}*", stem, preset.name)).string()));
  }
  return plan;
}

// Renders one source; returns false when it or one of its renditions failed (each reported on stderr,
// the other renditions still written).
bool render_source(const fs::path& source, const presets::Preset& preset, const RenderOptions& o, bool single_file,
                   const manifest::Limits& limits) {
  try {
    const render::SourceHandle file = render::open_source(source);
    const render::SourceInfo info = render::probe_source(*file, limits);
    std::vector<render::RenditionRequest> requests;
    for (presets::Format format : preset.formats)
      for (double dpr : preset.dpr) requests.push_back({&preset, format, dpr});
    // The same per-asset work as `run`, so that a rendition here has the very bytes a run gives it.
    const render::AssetJob job{file, info, requests, std::nullopt, limits};
    std::vector<std::pair<std::size_t, std::string>> failures;  // request index, reason
    render::render_asset(job, render::Metadata::no, render::serial_for, [&](std::size_t k, render::RenditionResult&& result) {
      if (!result.error.empty()) {
        failures.emplace_back(k, std::move(result.error));
        return;
      }
      const render::RenditionRequest& request = requests[k];
      const render::Rendered& r = result.rendered;
      const fs::path path = output_path(source, preset, request, o, single_file);
      try {
        output::write_atomically(path, r.bytes);
      } catch (const std::exception& e) {
        failures.emplace_back(k, e.what());
        return;
      }
      fmt::print("{}  {}  {}x{}{}  {} bytes{}  {:.0f} ms\n", path.string(), presets::name(request.format), r.width, r.height,
                 r.frames > 1 ? fmt::format(" x{} frames", r.frames) : "", r.bytes.size(),
                 preset.max_bytes ? fmt::format("  quality {} (max-bytes {})", r.quality, *preset.max_bytes) : "",
                 (result.decode_seconds + r.transform_seconds + r.encode_seconds) * 1000);
    });
    if (failures.empty()) return true;
    std::fflush(stdout);
    // A source that could not be decoded fails every rendition for one reason: said once. Otherwise each
    // failed rendition (a budget one format cannot fit) is named; the others were written.
    const bool one_reason = failures.size() == requests.size() &&
                            std::all_of(failures.begin(), failures.end(), [&](const auto& f) { return f.second == failures.front().second; });
    if (one_reason) {
      fmt::print(stderr, "prerender: {}: {}\n", source.string(), failures.front().second);
    } else {
      std::sort(failures.begin(), failures.end());
      for (const auto& [k, reason] : failures)
        fmt::print(stderr, "prerender: {}: {} {}x: {}\n", source.string(), presets::name(requests[k].format), requests[k].dpr, reason);
    }
    return false;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    fmt::print(stderr, "prerender: {}: {}\n", source.string(), e.what());
    return false;
  }
}

}  // namespace

void add_render(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand("render", "Render given image files with a named preset or inline flags, for a look");
  command->footer(
      "Outputs are named <source stem>-<preset>[@<dpr>x].<ext> in DIR (two sources with one stem are refused);\n"
      "with one source and one rendition, -o may name the file itself (an image extension: out.webp). Inline flags set the same options a preset does and are checked the same way;\n"
      "with -p they override the preset's. --set KEY=VALUE sets any other option (e.g. --set crop=16:9).\n"
      "Example: prerender render photo.jpg -p hero -o out/\n"
      "         prerender render photo.jpg --width 800 --format webp,avif --quality 70 -o out/");
  auto o = std::make_shared<RenderOptions>();
  command->add_option("SOURCE", o->sources, "Image files to render")->required();
  command->add_option("-o,--out", o->out, "Output folder (or file, for one rendition)")->required();
  command->add_option("-p,--preset", o->preset, "A preset by name (from -m, or the bundled presets/)");
  command->add_option("-m,--manifest", o->manifest, "Take presets from this manifest");
  auto setting = [o](const char* key) { return [o, key](const std::string& v) { o->settings.emplace_back(key, v); }; };
  command->add_option_function<std::string>("--width", setting("resize.width"), "Width in CSS pixels");
  command->add_option_function<std::string>("--height", setting("resize.height"), "Height in CSS pixels");
  command->add_option_function<std::string>("--fit", setting("resize.fit"), "cover, contain, fill, inside, outside");
  command->add_option_function<std::string>("--gravity", setting("resize.gravity"), "centre, north, ..., entropy, attention");
  command->add_option_function<std::string>("--format", setting("format"), "jpeg, png, webp, avif, heic, jxl, gif; a comma list gives one each");
  command->add_option_function<std::string>("--quality", setting("quality"), "1..100");
  command->add_option_function<std::string>("--dpr", setting("dpr"), "Densities, e.g. 1,2");
  command->add_option_function<std::string>("--max-bytes", setting("max_bytes"), "Byte budget, e.g. 30KiB");
  command->add_option_function<std::string>("--background", setting("background"), "#rrggbb[aa] or transparent (not for jpeg)");
  command->add_option("--allow", o->allow, "Also accept these source formats, as limits.formats does in a manifest (e.g. svg)")
      ->delimiter(',')
      ->check(CLI::IsMember(std::vector<std::string>(manifest::k_source_formats.begin(), manifest::k_source_formats.end())));
  command->add_option_function<std::vector<std::string>>(
             "--set",
             [o](const std::vector<std::string>& items) {
               for (const std::string& item : items) {
                 const auto eq = item.find('=');
                 if (eq == std::string::npos || eq == 0) throw CLI::ValidationError("--set", "takes KEY=VALUE, e.g. crop=16:9");
                 o->settings.emplace_back(item.substr(0, eq), item.substr(eq + 1));
               }
             },
             "Any preset option as KEY=VALUE (dotted for nested: resize.enlarge=true)")
      ->allow_extra_args(false);
  command->callback([&context, o] {
    // The manifest, when given, is read once: for its presets and for its limits (defaults otherwise).
    std::optional<manifest::Manifest> from;
    presets::Preset preset;
    try {
      if (!o->manifest.empty()) from = manifest::load_manifest(o->manifest);
      preset = build_preset(*o, from ? &*from : nullptr, context.argv0);
    } catch (const manifest::ManifestError& e) {
      context.exit_code = report_manifest_error(e, o->manifest.empty() ? "the command line" : o->manifest);
      return;
    }
    const OutputPlan outputs = plan_outputs(*o, preset);
    for (const std::string& problem : outputs.problems) fmt::print(stderr, "prerender: {}\n", problem);
    if (!outputs.problems.empty()) {
      fmt::print(stderr, "prerender: nothing was rendered\n");
      context.exit_code = ExitCode::usage;
      return;
    }
    manifest::Limits limits = from ? from->limits : manifest::Limits{};
    for (const std::string& family : o->allow)
      if (std::find(limits.formats.begin(), limits.formats.end(), family) == limits.formats.end()) limits.formats.push_back(family);
    render::allow_untrusted_loaders(limits.allow_untrusted);
    bool all_ok = true;
    for (const std::string& source : o->sources) all_ok = render_source(source, preset, *o, outputs.single_file, limits) && all_ok;
    context.exit_code = all_ok ? ExitCode::ok : ExitCode::failures;
  });
}

}  // namespace prerender::cli
