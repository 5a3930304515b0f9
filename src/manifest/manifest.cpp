#include "manifest/manifest.hpp"

#include <algorithm>
#include <array>
#include <span>
#include <fmt/format.h>
#include <functional>
#include <set>
#include <unordered_map>

#include "manifest/http_fields.hpp"
#include "manifest/keys.hpp"
#include "manifest/output_store.hpp"
#include "manifest/popularity_file.hpp"
#include "manifest/preset_parser.hpp"
#include "manifest/reader.hpp"
#include "manifest/yaml_tree.hpp"
#include "presets/format_defaults.hpp"
#include "util/glob.hpp"
#include "util/utf8.hpp"
#include "util/suggest.hpp"

namespace prerender::manifest {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t k_max_preset_name = 64;
constexpr std::size_t k_max_include_depth = 16;  // files including files, the manifest first
constexpr std::size_t k_max_included_files = 256;
// A site has tens of recipes; each is a rendition of every asset that names it. More than this is a
// generated or hostile file, and refusing it early keeps validation's time and memory small.
constexpr std::size_t k_max_presets = 10'000;

// True when `root` looks like a file of ours: a mapping with at least one of `keys` among its keys.
// Anything else (a credentials file, a PEM block, an INI file) is refused with one message that quotes
// nothing of it, so that validating an untrusted manifest cannot echo a file it points at.
bool has_shape(const YamlNode& root, std::span<const std::string_view> keys) {
  if (!root.is_map()) return false;
  for (std::string_view key : keys)
    if (root.find(key)) return true;
  return false;
}

constexpr std::array<std::string_view, 2> k_library_shape{"presets", "include"};
constexpr std::array<std::string_view, 3> k_manifest_shape{"version", "assets", "presets"};

std::string where(const Located& at) { return fmt::format("{}:{}:{}", at.file, at.mark.line, at.mark.column); }

// Why an asset id cannot name output files, or "" when it can.
std::string id_problem(std::string_view id) {
  if (id.empty()) return "it is empty";
  for (char c : id) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "it has a control character";
    if (c == '\\') return "it has a backslash";
  }
  if (id.front() == '/') return "it starts with '/'";
  std::size_t start = 0;
  while (start <= id.size()) {
    std::size_t end = id.find('/', start);
    if (end == std::string_view::npos) end = id.size();
    std::string_view segment = id.substr(start, end - start);
    if (segment.empty()) return "it has an empty path segment";
    if (segment == "." || segment == "..") return fmt::format("it has a '{}' segment", segment);
    start = end + 1;
  }
  return "";
}

// The id of a glob-matched (or id-less) source: its path relative to sources.root, without extension.
std::string id_from_path(std::string_view relative) {
  std::string id(relative);
  const auto slash = id.rfind('/');
  const auto dot = id.rfind('.');
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash + 1)) id.erase(dot);
  while (id.rfind("./", 0) == 0) id.erase(0, 2);
  return id;
}

class Loader {
 public:
  explicit Loader(Diagnostics& diagnostics) : m_diagnostics(diagnostics) {}

  // Reads a manifest or library file and everything it includes. `main` is true for the manifest itself.
  YamlNodePtr read(const fs::path& file, const Located* included_from) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(file, ec);
    if (ec) canonical = file;
    if (std::find(m_stack.begin(), m_stack.end(), canonical) != m_stack.end()) {
      std::string chain;
      for (const fs::path& p : m_stack) chain += p.filename().string() + " -> ";
      m_diagnostics.error(included_from->file, included_from->mark,
                          fmt::format("include cycle: {}{}", chain, canonical.filename().string()));
      return nullptr;
    }
    if (!m_seen.insert(canonical).second) return nullptr;  // included twice through different paths
    std::error_code status_error;
    const fs::file_status status = fs::status(file, status_error);
    if (included_from && status_error == std::errc::permission_denied) {
      m_diagnostics.error(included_from->file, included_from->mark,
                          fmt::format("included file {}: permission denied (on a folder of its path)", quote(file.string())));
      return nullptr;
    }
    if (included_from && !fs::exists(status)) {
      m_diagnostics.error(included_from->file, included_from->mark,
                          fmt::format("included file {} does not exist", quote(file.string())));
      return nullptr;
    }
    try {
      YamlNodePtr root = load_yaml_file(file.string());
      m_files.push_back(file);
      return root;
    } catch (const ManifestError& e) {
      for (const Diagnostic& d : e.items()) m_diagnostics.error(d.file, d.at, d.message);
      return nullptr;
    }
  }

  // Handles `include` and `presets` of a file (the manifest or a library), recursively.
  void presets_of(const YamlNode& root, const fs::path& file, const Reader& reader) {
    std::error_code canonical_error;
    fs::path canonical = fs::weakly_canonical(file, canonical_error);
    m_stack.push_back(canonical_error ? file : canonical);
    const fs::path folder = file.parent_path();
    if (const YamlNode* include = root.find("include")) {
      for (const YamlNode* item : include->as_list()) {
        auto path = reader.string(*item, "'include'");
        if (!path) continue;
        const Located from{reader.file(), item->mark};
        const fs::path target = (folder / *path).lexically_normal();
        if (m_stack.size() >= k_max_include_depth) {
          reader.error(*item, fmt::format("includes nest deeper than {} files", k_max_include_depth));
          continue;
        }
        if (m_files.size() >= k_max_included_files) {
          reader.error(*item, fmt::format("more than {} files are included", k_max_included_files));
          break;
        }
        YamlNodePtr lib = read(target, &from);
        if (!lib) continue;
        if (is_popularity_file(*lib)) {  // applied once the assets are read
          m_popularity.emplace_back(target, lib);
          continue;
        }
        const Reader lib_reader(target.string(), m_diagnostics);
        if (!library_shaped(*lib, target)) continue;
        if (!lib_reader.check_map(*lib, k_library_keys, "a preset library")) continue;
        presets_of(*lib, target, lib_reader);
      }
    }
    if (const YamlNode* presets = root.find("presets")) {
      if (m_preset_count > k_max_presets) {
        // reported once, where the limit was passed
      } else if (presets->is_map() && m_preset_count + presets->entries.size() > k_max_presets) {
        const YamlNode& past = *presets->entries[k_max_presets - m_preset_count].first;
        reader.error(past, fmt::format("more than {} presets (the manifest and its includes together); a manifest "
                                       "may define at most {}", k_max_presets, k_max_presets));
        m_preset_count = k_max_presets + 1;
      } else if (reader.check_map(*presets, "'presets'")) {
        m_preset_count += presets->entries.size();
        for (const auto& [key, value] : presets->entries) {
          if (!key->is_scalar()) continue;
          const std::string& name = key->scalar;
          const Located at{reader.file(), key->mark};
          if (!id_problem(name).empty() || name.find('/') != std::string::npos || name.size() > k_max_preset_name) {
            reader.error(*key, fmt::format("preset name {} must be a plain name (no '/', no control characters, "
                                           "at most {} characters)", quote(name), k_max_preset_name));
            continue;
          }
          auto [it, inserted] = m_specs.try_emplace(name, Spec{{}, at});
          if (!inserted) {
            if (it->second.at.file != at.file)
              reader.error(*key, fmt::format("preset '{}' is defined twice (first at {})", name, where(it->second.at)));
            continue;  // a duplicate in one mapping was reported by check_map
          }
          it->second.spec = parse_preset(*value, name, reader, folder);
        }
      }
    }
    m_stack.pop_back();
  }

  // Resolves `extends` and defaults for every preset read so far.
  std::map<std::string, presets::Preset> resolve(std::map<std::string, Located>* where_defined) {
    std::vector<std::string_view> names;
    for (const auto& [name, spec] : m_specs) names.push_back(name);
    std::map<std::string, presets::PresetSpec> merged;
    std::function<std::optional<presets::PresetSpec>(const std::string&, std::vector<std::string>&)> merge_chain =
        [&](const std::string& name, std::vector<std::string>& chain) -> std::optional<presets::PresetSpec> {
      if (auto done = merged.find(name); done != merged.end()) return done->second;
      const Spec& s = m_specs.at(name);
      if (!s.spec.extends) return merged[name] = s.spec;
      const std::string& parent = *s.spec.extends;
      chain.push_back(name);
      if (std::find(chain.begin(), chain.end(), parent) != chain.end()) {
        std::string text;
        for (const std::string& c : chain) text += c + " -> ";
        m_diagnostics.error(s.at.file, s.at.mark, fmt::format("preset '{}' extends itself: {}{}", name, text, parent));
        return std::nullopt;
      }
      if (!m_specs.count(parent)) {
        m_diagnostics.error(s.at.file, s.at.mark,
                            fmt::format("preset '{}' extends unknown preset {}{}", name, quote(parent),
                                        util::did_you_mean(parent, names)));
        return std::nullopt;
      }
      auto base = merge_chain(parent, chain);
      chain.pop_back();
      if (!base) return std::nullopt;
      return merged[name] = presets::merge(*base, s.spec);
    };
    std::map<std::string, presets::Preset> out;
    for (const auto& [name, s] : m_specs) {
      std::vector<std::string> chain;
      auto spec = merge_chain(name, chain);
      if (!spec) continue;
      presets::Preset preset = presets::resolve(name, *spec);
      for (presets::Format format : preset.formats)
        for (const std::string& problem : presets::format_problems(preset, format))
          m_diagnostics.error(s.at.file, s.at.mark, fmt::format("preset '{}': {}", name, problem));
      std::error_code overlay_error;
      if (preset.overlay && !fs::is_regular_file(preset.overlay->image, overlay_error))
        m_diagnostics.error(s.at.file, s.at.mark,
                            fmt::format("preset '{}': overlay image '{}' does not exist", name, preset.overlay->image));
      out.emplace(name, std::move(preset));
      if (where_defined) where_defined->emplace(name, s.at);
    }
    return out;
  }

  // False, reported once without any of the file's content, when `root` is not a preset library.
  bool library_shaped(const YamlNode& root, const fs::path& file) {
    if (has_shape(root, k_library_shape)) return true;
    m_diagnostics.error(file.string(), {}, "not a prerender preset library (no 'presets:' mapping)");
    return false;
  }

  Diagnostics& diagnostics() { return m_diagnostics; }
  std::vector<fs::path> files() const { return m_files; }
  const std::vector<std::pair<fs::path, YamlNodePtr>>& popularity_files() const { return m_popularity; }

 private:
  struct Spec {
    presets::PresetSpec spec;
    Located at;
  };
  Diagnostics& m_diagnostics;
  std::map<std::string, Spec> m_specs;
  std::size_t m_preset_count = 0;
  std::vector<fs::path> m_stack;
  std::set<fs::path> m_seen;
  std::vector<fs::path> m_files;
  std::vector<std::pair<fs::path, YamlNodePtr>> m_popularity;  // included popularity files
};

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
      if (auto v = reader.integer(*value, "'limits.max_pixels'", 1, 1'000'000'000'000)) out.max_pixels = static_cast<std::uint64_t>(*v);
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

// Why a source whose path is not UTF-8 is refused rather than rendered.
constexpr const char* k_not_utf8 =
    "renditions.jsonl (JSON) can only record UTF-8 names, and what cannot be recorded is not rendered; rename it";

// Reads one asset entry; a glob source gives one asset per matching file.
void read_asset(const YamlNode& node, const Reader& reader, const Manifest& manifest,
                const std::vector<std::string_view>& preset_names, std::vector<Asset>& out) {
  if (!reader.check_map(node, k_asset_keys, "an asset")) return;
  Asset asset;
  asset.at = {reader.file(), node.mark};
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
    if (auto id = reader.string(*id_node, "an asset's 'id'")) asset.id = *id;
    else ok = false;
  }
  if (const YamlNode* presets = node.find("presets")) {
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
  } else {
    reader.error(node, "an asset needs 'presets' (the names of the presets to render it with)");
    ok = false;
  }
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
  if (const YamlNode* tags = node.find("tags")) asset.tags = read_tags(reader, *tags, "an asset's 'tags'").value_or(asset.tags);
  if (!ok) return;

  if (util::has_wildcard(asset.source)) {
    if (id_node) {
      reader.error(*id_node, "an asset with a glob 'source' takes its ids from the matched paths; remove 'id'");
      return;
    }
    std::string unreadable;
    const auto matches = util::glob_files(manifest.sources_root, asset.source, &unreadable);
    if (!unreadable.empty()) {
      reader.error(*source_node, fmt::format("{}: cannot list {}", quote(asset.source), unreadable));
      return;
    }
    if (matches.empty()) reader.error(*source_node, fmt::format("{} matches no file under '{}'", quote(asset.source),
                                                                manifest.sources_root.string()));
    for (const std::string& relative : matches) {
      Asset one = asset;
      one.id = id_from_path(relative);
      one.source = relative;
      one.source_path = manifest.sources_root / relative;
      if (!util::is_valid_utf8(one.source_path.string())) {
        reader.error(*source_node, fmt::format("'{}' matches '{}', whose name is not valid UTF-8: {}", asset.source,
                                               util::escape_invalid_utf8(one.source_path.string()), k_not_utf8));
        continue;
      }
      out.push_back(std::move(one));
    }
    return;
  }
  asset.source_path = (manifest.sources_root / asset.source).lexically_normal();
  if (!util::is_valid_utf8(asset.source_path.string())) {
    reader.error(*source_node, fmt::format("the source path '{}' is not valid UTF-8: {}",
                                           util::escape_invalid_utf8(asset.source_path.string()), k_not_utf8));
    return;
  }
  if (!id_node) asset.id = id_from_path(fs::path(asset.source).lexically_normal().string());
  if (std::string problem = id_problem(asset.id); !problem.empty()) {
    reader.error(id_node ? *id_node : *source_node,
                 fmt::format("asset id {} cannot name output files: {}", quote(asset.id), problem));
    return;
  }
  out.push_back(std::move(asset));
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

  if (const YamlNode* version = root->find("version")) {
    if (auto v = reader.integer(*version, "'version'", 1, 1)) manifest.version = static_cast<int>(*v);
  } else {
    reader.error(*root, "the manifest needs 'version: 1'");
  }
  if (const YamlNode* sources = root->find("sources")) {
    if (reader.check_map(*sources, k_sources_keys, "'sources'"))
      if (const YamlNode* r = sources->find("root"))
        if (auto s = reader.string(*r, "'sources.root'")) manifest.sources_root = (manifest.folder / *s).lexically_normal();
  }
  if (manifest.sources_root.empty()) manifest.sources_root = ".";
  if (const YamlNode* output = root->find("output")) read_output(*output, reader, manifest.folder, manifest.output);
  if (const YamlNode* limits = root->find("limits")) read_limits(*limits, reader, manifest.limits);

  loader.presets_of(*root, file, reader);
  manifest.presets = loader.resolve(&manifest.preset_at);
  manifest.files = loader.files();

  std::vector<std::string_view> preset_names;
  for (const auto& [name, preset] : manifest.presets) preset_names.push_back(name);
  if (const YamlNode* assets = root->find("assets")) {
    if (!assets->is_sequence()) {
      reader.error(*assets, fmt::format("'assets' must be a list, not {}", describe(*assets)));
    } else {
      manifest.assets.reserve(assets->items.size());
      for (const auto& item : assets->items) read_asset(*item, reader, manifest, preset_names, manifest.assets);
    }
  }
  if (const YamlNode* popularity = root->find("popularity")) apply_popularity_file(*popularity, reader, manifest);
  for (const auto& [path, popularity] : loader.popularity_files())
    apply_included_popularity_file(*popularity, path, diagnostics, manifest);
  std::unordered_map<std::string_view, const Asset*> ids;
  ids.reserve(manifest.assets.size());
  for (std::size_t i = 0; i < manifest.assets.size(); ++i) {
    Asset& asset = manifest.assets[i];
    asset.order = i;
    auto [it, inserted] = ids.emplace(asset.id, &asset);
    if (!inserted)
      diagnostics.error(asset.at.file, asset.at.mark,
                        fmt::format("asset id {} is used twice (first at line {})", quote(asset.id), it->second->at.mark.line));
  }
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
