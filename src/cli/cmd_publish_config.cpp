#include <filesystem>
#include <fmt/format.h>
#include <memory>

#include "cli/context.hpp"
#include "manifest/manifest.hpp"
#include "output/atomic_write.hpp"
#include "publish/origin.hpp"
#include "publish/streams.hpp"

namespace prerender::cli {

namespace {

struct PublishConfigOptions {
  std::string file, out, root;
};

ExitCode run_publish_config(const PublishConfigOptions& o) {
  std::optional<manifest::Manifest> manifest;
  try {
    manifest.emplace(manifest::load_manifest(o.file));
  } catch (const manifest::ManifestError& e) {
    return report_manifest_error(e, o.file);
  }
  const std::filesystem::path journal = manifest->output.root / "renditions.jsonl";
  std::error_code error;
  if (!std::filesystem::exists(journal, error)) {
    fmt::print(stderr, "prerender: no {} yet: run (or merge) first\n", journal.string());
    return ExitCode::usage;
  }
  const std::string root =
      o.root.empty() ? std::filesystem::absolute(manifest->output.root).lexically_normal().string() : o.root;
  publish::OriginWriter writer(manifest->output.base_url,
                               root.size() > 1 && root.back() == '/' ? root.substr(0, root.size() - 1) : root);
  publish::for_each_latest(journal, [&](const output::RenditionRecord& r) { writer.add(r); });
  const publish::OriginFiles files = writer.finish();
  const std::filesystem::path out(o.out);
  try {
    std::filesystem::create_directories(out);
    output::write_atomically(out / "nginx-http.conf", files.http_conf);
    output::write_atomically(out / "nginx-server.conf", files.server_conf);
    output::write_atomically(out / "headers.jsonl", files.sidecar);
  } catch (const std::exception& e) {
    fmt::print(stderr, "prerender: {}\n", e.what());
    return ExitCode::retry;
  }
  fmt::print("publish-config: {} renditions: {}, {}, {}\n", files.renditions, (out / "nginx-http.conf").string(),
             (out / "nginx-server.conf").string(), (out / "headers.jsonl").string());
  if (files.untagged > 0)
    fmt::print(stderr,
               "prerender: {} renditions were journalled before tags were recorded; `prerender run` records them "
               "without re-rendering\n",
               files.untagged);
  return ExitCode::ok;
}

}  // namespace

void add_publish_config(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand("publish-config",
                                     "Write the nginx include and the headers sidecar that serve the output root with "
                                     "each rendition's headers and tags");
  command->footer(
      "Reads renditions.jsonl under output.root and writes into --out:\n"
      "  nginx-http.conf    include in nginx's http block (maps from URI to tags, ETag, Cache-Control)\n"
      "  nginx-server.conf  include in a server block (serves only the renditions listed, with their headers)\n"
      "  headers.jsonl      one JSON object per rendition: path, url, etag, tags and the object metadata a\n"
      "                     sync tool sets (Content-Type, Cache-Control, x-amz-meta-surrogate-key)\n"
      "Example: prerender publish-config site.yaml --out /etc/nginx/prerender && nginx -s reload");
  auto o = std::make_shared<PublishConfigOptions>();
  command->add_option("MANIFEST", o->file, "The manifest (YAML)")->required();
  command->add_option("-o,--out", o->out, "Folder to write the three files into (created)")->required();
  command->add_option(
      "--root", o->root,
      "The folder nginx serves (default: output.root, absolute): where the origin holds the synced files");
  command->callback([&context, o] { context.exit_code = run_publish_config(*o); });
}

}  // namespace prerender::cli
