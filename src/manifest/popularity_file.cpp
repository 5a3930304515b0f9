#include "manifest/popularity_file.hpp"

#include <fmt/format.h>
#include <system_error>
#include <unordered_map>

#include "manifest/keys.hpp"

namespace prerender::manifest {
namespace fs = std::filesystem;

namespace {

void apply_requests(const YamlNode& requests, const Reader& reader, Manifest& manifest) {
  if (!reader.check_map(requests, "'requests'")) return;
  std::unordered_map<std::string_view, Asset*> by_id;
  by_id.reserve(manifest.assets.size());
  for (Asset& asset : manifest.assets) by_id.emplace(asset.id, &asset);
  for (const auto& [key, value] : requests.entries) {
    if (!key->is_scalar()) continue;
    const auto count = reader.integer(*value, fmt::format("the requests of {}", quote(key->scalar)), 0, INT64_MAX);
    const auto it = by_id.find(key->scalar);
    if (!count || it == by_id.end() || it->second->requests_given) continue;
    it->second->requests = static_cast<std::uint64_t>(*count);
  }
}

}  // namespace

void apply_popularity_file(const YamlNode& key, const Reader& reader, Manifest& manifest) {
  const auto name = reader.string(key, "'popularity'");
  if (!name) return;
  if (name->empty()) {
    reader.error(key, "'popularity' is empty; name the file `prerender popularity` writes");
    return;
  }
  manifest.popularity_file = (manifest.folder / *name).lexically_normal();
  std::error_code error;
  if (!fs::exists(fs::symlink_status(manifest.popularity_file, error))) return;
  Diagnostics& diagnostics = reader.diagnostics();
  YamlNodePtr root;
  try {
    root = load_yaml_file(manifest.popularity_file.string());
  } catch (const ManifestError& e) {
    for (const Diagnostic& d : e.items()) diagnostics.error(d.file, d.at, d.message);
    return;
  }
  apply_included_popularity_file(*root, manifest.popularity_file, diagnostics, manifest);
}

bool is_popularity_file(const YamlNode& root) {
  return root.is_map() && root.find("requests") && !root.find("presets");
}

void apply_included_popularity_file(const YamlNode& root, const fs::path& file, Diagnostics& diagnostics,
                                    Manifest& manifest) {
  if (manifest.popularity_file.empty()) manifest.popularity_file = file;  // what `prerender popularity` rewrites
  const Reader file_reader(file.string(), diagnostics);
  if (!file_reader.check_map(root, k_popularity_file_keys, "a popularity file")) return;
  const YamlNode* version = root.find("version");
  if (!version) {
    file_reader.error(root, "not a popularity file (no 'version: 1'); `prerender popularity` writes one");
    return;
  }
  if (!file_reader.integer(*version, "'version'", 1, 1)) return;
  if (const YamlNode* requests = root.find("requests")) apply_requests(*requests, file_reader, manifest);
}

}  // namespace prerender::manifest
