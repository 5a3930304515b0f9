#include "manifest/loader.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

#include "manifest/asset_id.hpp"
#include "manifest/keys.hpp"
#include "manifest/popularity_file.hpp"
#include "manifest/preset_parser.hpp"
#include "presets/format_defaults.hpp"
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

constexpr std::array<std::string_view, 2> k_library_shape{"presets", "include"};

std::string where(const Located& at) { return fmt::format("{}:{}:{}", at.file, at.mark.line, at.mark.column); }

}  // namespace

bool has_shape(const YamlNode& root, std::span<const std::string_view> keys) {
  if (!root.is_map()) return false;
  for (std::string_view key : keys)
    if (root.find(key)) return true;
  return false;
}

YamlNodePtr Loader::read(const fs::path& file, const Located* included_from) {
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
    m_diagnostics.error(
        included_from->file, included_from->mark,
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

void Loader::presets_of(const YamlNode& root, const fs::path& file, const Reader& reader) {
  std::error_code canonical_error;
  fs::path canonical = fs::weakly_canonical(file, canonical_error);
  m_stack.push_back(canonical_error ? file : canonical);
  const fs::path folder = file.parent_path();
  if (const YamlNode* include_node = root.find("include")) {
    for (const YamlNode* item : include_node->as_list())
      if (!include(*item, folder, reader)) break;
  }
  if (const YamlNode* presets = root.find("presets")) preset_mapping(*presets, folder, reader);
  m_stack.pop_back();
}

bool Loader::include(const YamlNode& item, const fs::path& folder, const Reader& reader) {
  auto path = reader.string(item, "'include'");
  if (!path) return true;
  const Located from{reader.file(), item.mark};
  const fs::path target = (folder / *path).lexically_normal();
  if (m_stack.size() >= k_max_include_depth) {
    reader.error(item, fmt::format("includes nest deeper than {} files", k_max_include_depth));
    return true;
  }
  if (m_files.size() >= k_max_included_files) {
    reader.error(item, fmt::format("more than {} files are included", k_max_included_files));
    return false;
  }
  YamlNodePtr lib = read(target, &from);
  if (!lib) return true;
  if (is_popularity_file(*lib)) {  // applied once the assets are read
    m_popularity.emplace_back(target, lib);
    return true;
  }
  const Reader lib_reader(target.string(), m_diagnostics);
  if (!library_shaped(*lib, target)) return true;
  if (!lib_reader.check_map(*lib, k_library_keys, "a preset library")) return true;
  presets_of(*lib, target, lib_reader);
  return true;
}

void Loader::preset_mapping(const YamlNode& presets, const fs::path& folder, const Reader& reader) {
  if (m_preset_count > k_max_presets) return;  // reported once, where the limit was passed
  if (presets.is_map() && m_preset_count + presets.entries.size() > k_max_presets) {
    const YamlNode& past = *presets.entries[k_max_presets - m_preset_count].first;
    reader.error(past, fmt::format("more than {} presets (the manifest and its includes together); a manifest "
                                   "may define at most {}",
                                   k_max_presets, k_max_presets));
    m_preset_count = k_max_presets + 1;
    return;
  }
  if (!reader.check_map(presets, "'presets'")) return;
  m_preset_count += presets.entries.size();
  for (const auto& [key, value] : presets.entries) {
    if (!key->is_scalar()) continue;
    const std::string& name = key->scalar;
    const Located at{reader.file(), key->mark};
    if (!id_problem(name).empty() || name.find('/') != std::string::npos || name.size() > k_max_preset_name) {
      reader.error(*key, fmt::format("preset name {} must be a plain name (no '/', no control characters, "
                                     "at most {} characters)",
                                     quote(name), k_max_preset_name));
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

std::optional<presets::PresetSpec> Loader::merged_spec(const std::string& name, std::vector<std::string>& chain,
                                                       Merged& merged, const std::vector<std::string_view>& names) {
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
    m_diagnostics.error(
        s.at.file, s.at.mark,
        fmt::format("preset '{}' extends unknown preset {}{}", name, quote(parent), util::did_you_mean(parent, names)));
    return std::nullopt;
  }
  auto base = merged_spec(parent, chain, merged, names);
  chain.pop_back();
  if (!base) return std::nullopt;
  return merged[name] = presets::merge(*base, s.spec);
}

void Loader::check_resolved(const presets::Preset& preset, const Located& at) {
  for (presets::Format format : preset.formats)
    for (const std::string& problem : presets::format_problems(preset, format))
      m_diagnostics.error(at.file, at.mark, fmt::format("preset '{}': {}", preset.name, problem));
  std::error_code overlay_error;
  if (preset.overlay && !fs::is_regular_file(preset.overlay->image, overlay_error))
    m_diagnostics.error(
        at.file, at.mark,
        fmt::format("preset '{}': overlay image '{}' does not exist", preset.name, preset.overlay->image));
}

std::map<std::string, presets::Preset> Loader::resolve(std::map<std::string, Located>* where_defined) {
  std::vector<std::string_view> names;
  for (const auto& [name, spec] : m_specs) names.push_back(name);
  Merged merged;
  std::map<std::string, presets::Preset> out;
  for (const auto& [name, s] : m_specs) {
    std::vector<std::string> chain;
    auto spec = merged_spec(name, chain, merged, names);
    if (!spec) continue;
    presets::Preset preset = presets::resolve(name, *spec);
    check_resolved(preset, s.at);
    out.emplace(name, std::move(preset));
    if (where_defined) where_defined->emplace(name, s.at);
  }
  return out;
}

bool Loader::library_shaped(const YamlNode& root, const fs::path& file) {
  if (has_shape(root, k_library_shape)) return true;
  m_diagnostics.error(file.string(), {}, "not a prerender preset library (no 'presets:' mapping)");
  return false;
}

}  // namespace prerender::manifest
