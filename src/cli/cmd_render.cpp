#include <cstdio>
#include <fmt/format.h>
#include <unistd.h>

#include "cli/context.hpp"
#include "manifest/inline_preset.hpp"
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

// Renders one source; returns false when it failed (reported on stderr).
bool render_source(const fs::path& source, const presets::Preset& preset, const RenderOptions& o, bool single_file,
                   const manifest::Limits& limits) {
  try {
    const render::SourceInfo info = render::probe_source(source, limits);
    std::vector<render::RenditionRequest> requests;
    for (presets::Format format : preset.formats)
      for (double dpr : preset.dpr) requests.push_back({&preset, format, dpr});
    // The same per-asset work as `run`, so that a rendition here has the very bytes a run gives it.
    const render::AssetJob job{source, info, requests, std::nullopt, limits};
    std::string failure;
    render::render_asset(job, render::Metadata::no, render::serial_for, [&](std::size_t k, render::RenditionResult&& result) {
      if (!result.error.empty()) {
        if (failure.empty()) failure = result.error;
        return;
      }
      const render::RenditionRequest& request = requests[k];
      const render::Rendered& r = result.rendered;
      const fs::path path = single_file ? fs::path(o.out)
                                        : fs::path(o.out) / fmt::format("{}-{}{}.{}", source.stem().string(), preset.name,
                                                                        output::dpr_suffix(request.dpr),
                                                                        presets::extension(request.format));
      output::write_atomically(path, r.bytes);
      fmt::print("{}  {}  {}x{}{}  {} bytes  {:.0f} ms\n", path.string(), presets::name(request.format), r.width, r.height,
                 r.frames > 1 ? fmt::format(" x{} frames", r.frames) : "", r.bytes.size(),
                 (result.decode_seconds + r.transform_seconds + r.encode_seconds) * 1000);
    });
    if (!failure.empty()) throw render::RenderError(failure);
    return true;
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
      "Outputs are named <source stem>-<preset>[@<dpr>x].<ext> in DIR; with one source and one rendition, -o may\n"
      "name the file itself. Inline flags set the same options a preset does and are checked the same way;\n"
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
  command->add_option_function<std::string>("--background", setting("background"), "#rrggbb[aa] or transparent");
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
    std::error_code out_error;
    const bool single_file = o->sources.size() == 1 && preset.formats.size() * preset.dpr.size() == 1 &&
                             fs::path(o->out).has_extension() && !fs::is_directory(o->out, out_error);
    const manifest::Limits limits = from ? from->limits : manifest::Limits{};
    render::allow_untrusted_loaders(limits.allow_untrusted);
    bool all_ok = true;
    for (const std::string& source : o->sources) all_ok = render_source(source, preset, *o, single_file, limits) && all_ok;
    context.exit_code = all_ok ? ExitCode::ok : ExitCode::failures;
  });
}

}  // namespace prerender::cli
