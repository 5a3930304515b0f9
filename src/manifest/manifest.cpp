#include "manifest/manifest.hpp"

#include <array>
#include <fmt/format.h>
#include <unordered_map>

#include "manifest/asset_reader.hpp"
#include "manifest/keys.hpp"
#include "manifest/loader.hpp"
#include "manifest/output_store.hpp"
#include "manifest/popularity_file.hpp"
#include "manifest/reader.hpp"
#include "manifest/yaml_tree.hpp"

namespace prerender::manifest {
namespace fs = std::filesystem;

namespace {

constexpr std::array<std::string_view, 3> k_manifest_shape{"version", "assets", "presets"};

void read_output(const YamlNode& node, const Reader& reader, const fs::path& folder, OutputSpec& out) {
  if (!reader.check_map(node, k_output_keys, "'output'")) return;
  if (const YamlNode* root = node.find("root"))
    if (auto s = reader.string(*root, "'output.root'")) out.root = (folder / *s).lexically_normal();
  read_output_store(node, reader, out);  // output.root: s3://..., output.s3 (manifest/output_store.hpp)
  if (const YamlNode* path = node.find("path")) {
    if (auto s = reader.string(*path, "'output.path'")) {
      out.path = *s;
      out.path_at = {reader.file(), path->mark};
    }
  }
  if (const YamlNode* base = node.find("base_url")) {
    if (auto s = reader.string(*base, "'output.base_url'")) {
      if (s->rfind("https://", 0) != 0 && s->rfind("http://", 0) != 0 && s->rfind("/", 0) != 0) {
        reader.error(*base, fmt::format("'output.base_url' must start with https://, http:// or /, not {}", quote(*s)));
      } else {
        out.base_url = *s;
        if (out.base_url.back() != '/') out.base_url += '/';
      }
    }
  }
}

void read_limits(const YamlNode& node, const Reader& reader, Limits& out) {
  if (!reader.check_map(node, k_limits_keys, "'limits'")) return;
  for (const auto& [key, value] : node.entries) {
    const std::string& k = key->scalar;
    if (k == "max_pixels") {
      if (auto v = reader.integer(*value, "'limits.max_pixels'", 1, 1'000'000'000'000))
        out.max_pixels = static_cast<std::uint64_t>(*v);
    } else if (k == "max_file_bytes") {
      if (auto v = reader.size(*value, "'limits.max_file_bytes'")) out.max_file_bytes = *v;
    } else if (k == "max_frames") {
      if (auto v = reader.integer(*value, "'limits.max_frames'", 1, 100000)) out.max_frames = static_cast<int>(*v);
    } else if (k == "max_seconds") {
      if (auto v = reader.duration(*value, "'limits.max_seconds'")) out.max_seconds = *v;
    } else if (k == "allow_untrusted") {
      if (auto v = reader.boolean(*value, "'limits.allow_untrusted'")) out.allow_untrusted = *v;
    } else if (k == "formats") {
      std::vector<std::string> formats;
      for (const YamlNode* item : value->as_list())
        if (auto index = reader.choice(*item, "a format in 'limits.formats'", k_source_formats))
          formats.emplace_back(k_source_formats[*index]);
      out.formats = std::move(formats);
    }
  }
}

// `version`, `sources`, `output` and `limits`.
void read_settings(const YamlNode& root, const Reader& reader, Manifest& manifest) {
  if (const YamlNode* version = root.find("version")) {
    if (auto v = reader.integer(*version, "'version'", 1, 1)) manifest.version = static_cast<int>(*v);
  } else {
    reader.error(root, "the manifest needs 'version: 1'");
  }
  if (const YamlNode* sources = root.find("sources")) {
    if (reader.check_map(*sources, k_sources_keys, "'sources'"))
      if (const YamlNode* r = sources->find("root"))
        if (auto s = reader.string(*r, "'sources.root'"))
          manifest.sources_root = (manifest.folder / *s).lexically_normal();
  }
  if (manifest.sources_root.empty()) manifest.sources_root = ".";
  if (const YamlNode* output = root.find("output")) read_output(*output, reader, manifest.folder, manifest.output);
  if (const YamlNode* limits = root.find("limits")) read_limits(*limits, reader, manifest.limits);
}

void read_assets(const YamlNode& root, const Reader& reader, Manifest& manifest) {
  std::vector<std::string_view> preset_names;
  for (const auto& [name, preset] : manifest.presets) preset_names.push_back(name);
  if (const YamlNode* assets = root.find("assets")) {
    if (!assets->is_sequence()) {
      reader.error(*assets, fmt::format("'assets' must be a list, not {}", describe(*assets)));
    } else {
      manifest.assets.reserve(assets->items.size());
      for (const auto& item : assets->items) read_asset(*item, reader, manifest, preset_names, manifest.assets);
    }
  }
}

// Each asset's place in the manifest; an id used twice is an error.
void number_assets(Manifest& manifest, Diagnostics& diagnostics) {
  std::unordered_map<std::string_view, const Asset*> ids;
  ids.reserve(manifest.assets.size());
  for (std::size_t i = 0; i < manifest.assets.size(); ++i) {
    Asset& asset = manifest.assets[i];
    asset.order = i;
    auto [it, inserted] = ids.emplace(asset.id, &asset);
    if (!inserted)
      diagnostics.error(
          asset.at.file, asset.at.mark,
          fmt::format("asset id {} is used twice (first at line {})", quote(asset.id), it->second->at.mark.line));
  }
}

}  // namespace

Manifest load_manifest(const fs::path& file) {
  Diagnostics diagnostics;
  Manifest manifest = load_manifest(file, diagnostics);
  diagnostics.throw_if_any();
  return manifest;
}

Manifest load_manifest(const fs::path& file, Diagnostics& diagnostics) {
  Manifest manifest;
  manifest.file = file;
  manifest.folder = file.parent_path();
  manifest.sources_root = manifest.folder.empty() ? fs::path(".") : manifest.folder;
  manifest.output.root = (manifest.folder / "public").lexically_normal();
  manifest.output.path_at = {file.string(), {}};

  Loader loader(diagnostics);
  YamlNodePtr root = loader.read(file, nullptr);
  if (!root) return manifest;
  const Reader reader(file.string(), diagnostics);
  if (!has_shape(*root, k_manifest_shape)) {
    diagnostics.error(file.string(), {}, "not a prerender manifest (no 'version: 1', 'presets:' or 'assets:')");
    return manifest;
  }
  if (!reader.check_map(*root, k_manifest_keys, "the manifest")) return manifest;
  read_settings(*root, reader, manifest);

  loader.presets_of(*root, file, reader);
  manifest.presets = loader.resolve(&manifest.preset_at);
  manifest.files = loader.files();
  read_assets(*root, reader, manifest);
  if (const YamlNode* popularity = root->find("popularity")) apply_popularity_file(*popularity, reader, manifest);
  for (const auto& [path, popularity] : loader.popularity_files())
    apply_included_popularity_file(*popularity, path, diagnostics, manifest);
  number_assets(manifest, diagnostics);
  return manifest;
}

std::map<std::string, presets::Preset> load_preset_library(const std::vector<fs::path>& files) {
  Diagnostics diagnostics;
  Loader loader(diagnostics);
  for (const fs::path& file : files) {
    YamlNodePtr root = loader.read(file, nullptr);
    if (!root) continue;
    const Reader reader(file.string(), loader.diagnostics());
    if (!loader.library_shaped(*root, file)) continue;
    if (!reader.check_map(*root, k_library_keys, "a preset library")) continue;
    loader.presets_of(*root, file, reader);
  }
  loader.diagnostics().throw_if_any();
  auto out = loader.resolve(nullptr);
  loader.diagnostics().throw_if_any();
  return out;
}

}  // namespace prerender::manifest
