#include <cstdio>
#include <fmt/format.h>
#include <memory>

#include "cli/context.hpp"
#include "cli/signals.hpp"
#include "engine/preview.hpp"
#include "output/atomic_write.hpp"
#include "render/runtime.hpp"
#include "report/preview.hpp"

namespace prerender::cli {

void add_preview(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand("preview", "Write an HTML page showing each asset's renditions side by side");
  command->footer(
      "The page (DIR/index.html) is self-contained: images are inline, shown as PNG where browsers cannot\n"
      "show the format (HEIC, JPEG XL). Without --render it shows what the output root holds; with --render\n"
      "it renders the selected assets now into a temporary folder, leaving the output root alone.\n"
      "Without --asset or --top, the 50 most requested assets.\n"
      "Example: prerender preview site.yaml -o /tmp/preview --asset 'shows/*' --render");
  struct Options {
    std::string file, out, asset;
    std::optional<std::size_t> top;
    bool render = false;
    ResourceOptions resources;
  };
  auto o = std::make_shared<Options>();
  command->add_option("MANIFEST", o->file, "The manifest (YAML)")->required();
  command->add_option("-o,--output", o->out, "Folder to write index.html into")->required();
  command->add_option("--asset", o->asset, "Only assets whose id matches this glob ('*' also matches '/')");
  command->add_option("--top", o->top, "Only the N most requested assets")->check(CLI::PositiveNumber);
  command->add_flag("--render", o->render, "Render the renditions now instead of reading the output root");
  o->resources.add_to(*command);
  command->callback([&context, o] {
    engine::RunOptions run;
    o->resources.apply(run);
    engine::Selection selection;
    if (!o->asset.empty()) selection.only = o->asset;
    selection.top = o->top ? o->top : (o->asset.empty() ? std::optional<std::size_t>(50) : std::nullopt);
    std::optional<engine::PlannedManifest> planned = load_planned(context, o->file, selection);
    if (!planned) return;
    if (planned->plan.assets.empty()) {
      fmt::print(stderr, "prerender preview: no asset of {} matches '{}'\n", o->file, o->asset);
      context.exit_code = ExitCode::usage;
      return;
    }
    set_up_decoding(planned->manifest, run.memory_budget);
    SignalScope signals;
    run.signal = signals.signal();
    const report::Preview preview =
        engine::build_preview(*planned, o->render ? engine::Fresh::yes : engine::Fresh::no, run);
    const std::filesystem::path page = std::filesystem::path(o->out) / "index.html";
    try {
      output::write_atomically(page, report::preview_html(preview));
    } catch (const std::exception& e) {
      fmt::print(stderr, "prerender preview: cannot write the page: {}\n", e.what());
      context.exit_code = ExitCode::usage;
      return;
    }
    std::size_t renditions = 0;
    for (const report::PreviewAsset& a : preview.assets) renditions += a.renditions.size();
    fmt::print("{}  ({} assets, {} renditions, images from {})\n", page.string(), preview.assets.size(), renditions,
               preview.origin);
    context.exit_code = ExitCode::ok;
  });
}

}  // namespace prerender::cli
