#include "manifest/asset_reader.hpp"

#include <algorithm>
#include <cstdint>
#include <fmt/format.h>

#include "manifest/asset_id.hpp"
#include "manifest/http_fields.hpp"
#include "manifest/keys.hpp"
#include "util/glob.hpp"
#include "util/suggest.hpp"
#include "util/utf8.hpp"

namespace prerender::manifest {
namespace fs = std::filesystem;

namespace {

// Why a source whose path is not UTF-8 is refused rather than rendered.
constexpr const char* k_not_utf8 =
    "renditions.jsonl (JSON) can only record UTF-8 names, and what cannot be recorded is not rendered; rename it";

// `source` and `id`; false when the entry cannot give an asset.
bool read_source(const YamlNode& node, const Reader& reader, Asset& asset) {
  const YamlNode* id_node = node.find("id");
  const YamlNode* source_node = node.find("source");
  bool ok = true;
  if (!source_node) {
    reader.error(node, "an asset needs a 'source'");
    ok = false;
  } else if (auto s = reader.string(*source_node, "an asset's 'source'"); s && !s->empty()) {
    asset.source = *s;
  } else {
    if (s) reader.error(*source_node, "an asset's 'source' is empty");
    ok = false;
  }
  if (id_node) {
    if (auto id = reader.string(*id_node, "an asset's 'id'"))
      asset.id = *id;
    else
      ok = false;
  }
  return ok;
}

// `presets`: names of known presets, each once; false when missing, empty or naming an unknown one.
bool read_preset_names(const YamlNode& node, const Reader& reader, const Manifest& manifest,
                       const std::vector<std::string_view>& preset_names, Asset& asset) {
  const YamlNode* presets = node.find("presets");
  if (!presets) {
    reader.error(node, "an asset needs 'presets' (the names of the presets to render it with)");
    return false;
  }
  bool ok = true;
  const std::vector<const YamlNode*> items = presets->as_list();
  for (const YamlNode* item : items) {
    auto name = reader.string(*item, "an asset's preset name");
    if (!name) {
      ok = false;
      continue;
    }
    if (!manifest.presets.count(*name)) {
      reader.error(*item, fmt::format("unknown preset {}{}", quote(*name), util::did_you_mean(*name, preset_names)));
      ok = false;
    } else if (std::find(asset.presets.begin(), asset.presets.end(), *name) != asset.presets.end()) {
      reader.error(*item, fmt::format("preset {} is listed twice for this asset", quote(*name)));
    } else {
      asset.presets.push_back(*name);
    }
  }
  if (items.empty()) {
    reader.error(*presets, "an asset's 'presets' must name at least one preset");
    ok = false;
  }
  return ok;
}

// `requests`, `focus` and `tags`: optional, a problem is reported and leaves the default.
void read_hints(const YamlNode& node, const Reader& reader, Asset& asset) {
  if (const YamlNode* requests = node.find("requests")) {
    if (auto v = reader.integer(*requests, "an asset's 'requests'", 0, INT64_MAX)) {
      asset.requests = static_cast<std::uint64_t>(*v);
      asset.requests_given = true;
    }
  }
  if (const YamlNode* focus = node.find("focus")) {
    if (!focus->is_sequence() || focus->items.size() != 2) {
      reader.error(*focus, "an asset's 'focus' must be [x, y] in fractions of the width and height");
    } else {
      auto x = reader.number(*focus->items[0], "an asset's focus x", 0, 1);
      auto y = reader.number(*focus->items[1], "an asset's focus y", 0, 1);
      if (x && y) asset.focus = Focus{*x, *y};
    }
  }
  if (const YamlNode* tags = node.find("tags"))
    asset.tags = read_tags(reader, *tags, "an asset's 'tags'").value_or(asset.tags);
}

// One asset per file the glob source matches, its id from the matched path.
void expand_glob(const YamlNode& node, const Reader& reader, const Manifest& manifest, const Asset& asset,
                 std::vector<Asset>& out) {
  const YamlNode& source_node = *node.find("source");
  if (const YamlNode* id_node = node.find("id")) {
    reader.error(*id_node, "an asset with a glob 'source' takes its ids from the matched paths; remove 'id'");
    return;
  }
  std::string unreadable;
  const auto matches = util::glob_files(manifest.sources_root, asset.source, &unreadable);
  if (!unreadable.empty()) {
    reader.error(source_node, fmt::format("{}: cannot list {}", quote(asset.source), unreadable));
    return;
  }
  if (matches.empty())
    reader.error(source_node,
                 fmt::format("{} matches no file under '{}'", quote(asset.source), manifest.sources_root.string()));
  for (const std::string& relative : matches) {
    Asset one = asset;
    one.id = id_from_path(relative);
    one.source = relative;
    one.source_path = manifest.sources_root / relative;
    if (!util::is_valid_utf8(one.source_path.string())) {
      reader.error(source_node, fmt::format("'{}' matches '{}', whose name is not valid UTF-8: {}", asset.source,
                                            util::escape_invalid_utf8(one.source_path.string()), k_not_utf8));
      continue;
    }
    out.push_back(std::move(one));
  }
}

// A single file source: its path under sources.root and its id (given, or from the path).
void add_single(const YamlNode& node, const Reader& reader, const Manifest& manifest, Asset asset,
                std::vector<Asset>& out) {
  const YamlNode* id_node = node.find("id");
  const YamlNode& source_node = *node.find("source");
  asset.source_path = (manifest.sources_root / asset.source).lexically_normal();
  if (!util::is_valid_utf8(asset.source_path.string())) {
    reader.error(source_node, fmt::format("the source path '{}' is not valid UTF-8: {}",
                                          util::escape_invalid_utf8(asset.source_path.string()), k_not_utf8));
    return;
  }
  if (!id_node) asset.id = id_from_path(fs::path(asset.source).lexically_normal().string());
  if (std::string problem = id_problem(asset.id); !problem.empty()) {
    reader.error(id_node ? *id_node : source_node,
                 fmt::format("asset id {} cannot name output files: {}", quote(asset.id), problem));
    return;
  }
  out.push_back(std::move(asset));
}

}  // namespace

void read_asset(const YamlNode& node, const Reader& reader, const Manifest& manifest,
                const std::vector<std::string_view>& preset_names, std::vector<Asset>& out) {
  if (!reader.check_map(node, k_asset_keys, "an asset")) return;
  Asset asset;
  asset.at = {reader.file(), node.mark};
  bool ok = read_source(node, reader, asset);
  ok = read_preset_names(node, reader, manifest, preset_names, asset) && ok;
  read_hints(node, reader, asset);
  if (!ok) return;
  if (util::has_wildcard(asset.source))
    expand_glob(node, reader, manifest, asset, out);
  else
    add_single(node, reader, manifest, std::move(asset), out);
}

}  // namespace prerender::manifest
