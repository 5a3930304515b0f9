#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <unistd.h>

#include "cli/context.hpp"
#include "engine/render_files.hpp"
#include "manifest/keys.hpp"
#include "manifest/manifest.hpp"
#include "render/runtime.hpp"

namespace prerender::cli {
namespace fs = std::filesystem;

namespace {

// What decided the quality, when the preset did not fix it: "  quality 62 (butteraugli 1.41, target 1.5)".
std::string chosen_quality(const presets::Preset& preset, const render::Rendered& r) {
  std::string out;
  if (r.score)
    out = fmt::format("  quality {}{} (butteraugli {:.2f}{})", r.quality, r.full_chroma ? " at 4:4:4" : "", *r.score,
                      r.target_missed ? ", target missed" : "");
  else if (preset.max_bytes)
    out = fmt::format("  quality {}", r.quality);
  if (preset.max_bytes) out += fmt::format(" (max-bytes {})", *preset.max_bytes);
  return out;
}

struct RenderOptions {
  std::vector<std::string> sources;
  std::string out;
  std::string preset;
  std::string manifest;
  std::vector<std::pair<std::string, std::string>> settings;  // from the inline flags, in order
  std::vector<std::string> allow;                             // source formats opted into (limits.formats)
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

// --width, --height, ... --background: the options a preset sets, checked as the manifest checks them.
void add_setting_flags(CLI::App& command, const std::shared_ptr<RenderOptions>& o) {
  auto setting = [o](const char* key) { return [o, key](const std::string& v) { o->settings.emplace_back(key, v); }; };
  command.add_option_function<std::string>("--width", setting("resize.width"), "Width in CSS pixels");
  command.add_option_function<std::string>("--height", setting("resize.height"), "Height in CSS pixels");
  command.add_option_function<std::string>("--fit", setting("resize.fit"), "cover, contain, fill, inside, outside");
  command.add_option_function<std::string>("--gravity", setting("resize.gravity"),
                                           "centre, north, ..., entropy, attention");
  command.add_option_function<std::string>("--format", setting("format"),
                                           "jpeg, png, webp, avif, heic, jxl, gif; a comma list gives one each");
  command.add_option_function<std::string>("--quality", setting("quality"),
                                           "1..100, or auto (the lowest quality within the butteraugli target)");
  command.add_option_function<std::string>("--dpr", setting("dpr"), "Densities, e.g. 1,2");
  command.add_option_function<std::string>("--max-bytes", setting("max_bytes"), "Byte budget, e.g. 30KiB");
  command.add_option_function<std::string>("--background", setting("background"),
                                           "#rrggbb[aa] or transparent (not for jpeg)");
}

void add_set_flag(CLI::App& command, const std::shared_ptr<RenderOptions>& o) {
  command
      .add_option_function<std::vector<std::string>>(
          "--set",
          [o](const std::vector<std::string>& items) {
            for (const std::string& item : items) {
              const auto eq = item.find('=');
              if (eq == std::string::npos || eq == 0)
                throw CLI::ValidationError("--set", "takes KEY=VALUE, e.g. crop=16:9");
              o->settings.emplace_back(item.substr(0, eq), item.substr(eq + 1));
            }
          },
          "Any preset option as KEY=VALUE (dotted for nested: resize.enlarge=true)")
      ->allow_extra_args(false);
}

// The preset (named, with the flags over it) and the limits; the manifest, when given, is read once: for
// its presets and for its limits (defaults otherwise). Throws manifest::ManifestError.
engine::FilesJob files_job(const Context& context, const RenderOptions& o) {
  std::optional<manifest::Manifest> from;
  engine::FilesJob job;
  if (!o.manifest.empty()) from = manifest::load_manifest(o.manifest);
  const std::map<std::string, presets::Preset> library =
      from               ? from->presets
      : o.preset.empty() ? std::map<std::string, presets::Preset>{}
                         : manifest::load_preset_library(bundled_presets(context.argv0));
  job.preset =
      engine::command_line_preset(o.preset, library, o.manifest.empty() ? "bundled presets" : o.manifest, o.settings);
  job.sources = o.sources;
  job.out = o.out;
  job.limits = from ? from->limits : manifest::Limits{};
  for (const std::string& family : o.allow)
    if (std::find(job.limits.formats.begin(), job.limits.formats.end(), family) == job.limits.formats.end())
      job.limits.formats.push_back(family);
  return job;
}

ExitCode run_render(Context& context, const RenderOptions& o) {
  engine::FilesJob job;
  try {
    job = files_job(context, o);
  } catch (const manifest::ManifestError& e) {
    return report_manifest_error(e, o.manifest.empty() ? "the command line" : o.manifest);
  }
  const engine::OutputPlan outputs = engine::plan_outputs(job);
  for (const std::string& problem : outputs.problems) fmt::print(stderr, "prerender: {}\n", problem);
  if (!outputs.problems.empty()) {
    fmt::print(stderr, "prerender: nothing was rendered\n");
    return ExitCode::usage;
  }
  render::allow_untrusted_loaders(job.limits.allow_untrusted);
  const presets::Preset& preset = job.preset;
  const auto print = [&](const engine::FileOutput& f) {
    const render::Rendered& r = *f.rendered;
    fmt::print("{}  {}  {}x{}{}  {} bytes{}  {:.0f} ms\n", f.path.string(), presets::name(f.format), r.width, r.height,
               r.frames > 1 ? fmt::format(" x{} frames", r.frames) : "", r.bytes.size(), chosen_quality(preset, r),
               f.seconds * 1000);
  };
  bool all_ok = true;
  for (const std::string& source : job.sources) {
    const std::vector<std::string> failures = engine::render_file(source, job, outputs, print);
    if (failures.empty()) continue;
    all_ok = false;
    std::fflush(stdout);
    for (const std::string& failure : failures) fmt::print(stderr, "prerender: {}\n", failure);
  }
  return all_ok ? ExitCode::ok : ExitCode::failures;
}

}  // namespace

void add_render(CLI::App& app, Context& context) {
  auto* command =
      app.add_subcommand("render", "Render given image files with a named preset or inline flags, for a look");
  command->footer(
      "Outputs are named <source stem>-<preset>[@<dpr>x].<ext> in DIR (two sources with one stem are refused);\n"
      "with one source and one rendition, -o may name the file itself (an image extension: out.webp). Inline flags set "
      "the same options a preset does and are checked the same way;\n"
      "with -p they override the preset's. --set KEY=VALUE sets any other option (e.g. --set crop=16:9).\n"
      "Example: prerender render photo.jpg -p hero -o out/\n"
      "         prerender render photo.jpg --width 800 --format webp,avif --quality 70 -o out/");
  auto o = std::make_shared<RenderOptions>();
  command->add_option("SOURCE", o->sources, "Image files to render")->required();
  command->add_option("-o,--out", o->out, "Output folder (or file, for one rendition)")->required();
  command->add_option("-p,--preset", o->preset, "A preset by name (from -m, or the bundled presets/)");
  command->add_option("-m,--manifest", o->manifest, "Take presets from this manifest");
  add_setting_flags(*command, o);
  command
      ->add_option("--allow", o->allow,
                   "Also accept these source formats, as limits.formats does in a manifest (e.g. svg)")
      ->delimiter(',')
      ->check(CLI::IsMember(
          std::vector<std::string>(manifest::k_source_formats.begin(), manifest::k_source_formats.end())));
  add_set_flag(*command, o);
  command->callback([&context, o] { context.exit_code = run_render(context, *o); });
}

}  // namespace prerender::cli
