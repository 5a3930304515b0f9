#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "manifest/diagnostics.hpp"
#include "manifest/manifest.hpp"
#include "manifest/reader.hpp"
#include "manifest/yaml_tree.hpp"
#include "presets/preset.hpp"

namespace prerender::manifest {

// True when `root` looks like a file of ours: a mapping with at least one of `keys` among its keys.
// Anything else (a credentials file, a PEM block, an INI file) is refused with one message that quotes
// nothing of it, so that validating an untrusted manifest cannot echo a file it points at.
bool has_shape(const YamlNode& root, std::span<const std::string_view> keys);

// Reads a manifest's or a library's files: includes (with cycle, depth and count limits), the presets
// they define, and `extends` with defaults once everything is read. Problems go to `diagnostics`.
class Loader {
 public:
  explicit Loader(Diagnostics& diagnostics) : m_diagnostics(diagnostics) {}

  // Reads a manifest or library file; `included_from` is null for the file named on the command line.
  // Null when it cannot be read, was read already, or closes an include cycle (reported).
  YamlNodePtr read(const std::filesystem::path& file, const Located* included_from);

  // Handles `include` and `presets` of a file (the manifest or a library), recursively.
  void presets_of(const YamlNode& root, const std::filesystem::path& file, const Reader& reader);

  // Resolves `extends` and defaults for every preset read so far.
  std::map<std::string, presets::Preset> resolve(std::map<std::string, Located>* where_defined);

  // False, reported once without any of the file's content, when `root` is not a preset library.
  bool library_shaped(const YamlNode& root, const std::filesystem::path& file);

  Diagnostics& diagnostics() { return m_diagnostics; }
  std::vector<std::filesystem::path> files() const { return m_files; }
  const std::vector<std::pair<std::filesystem::path, YamlNodePtr>>& popularity_files() const { return m_popularity; }

 private:
  struct Spec {
    presets::PresetSpec spec;
    Located at;
  };
  using Merged = std::map<std::string, presets::PresetSpec>;

  // False when no further include may be read.
  bool include(const YamlNode& item, const std::filesystem::path& folder, const Reader& reader);
  void preset_mapping(const YamlNode& presets, const std::filesystem::path& folder, const Reader& reader);
  std::optional<presets::PresetSpec> merged_spec(const std::string& name, std::vector<std::string>& chain,
                                                 Merged& merged, const std::vector<std::string_view>& names);
  void check_resolved(const presets::Preset& preset, const Located& at);

  Diagnostics& m_diagnostics;
  std::map<std::string, Spec> m_specs;
  std::size_t m_preset_count = 0;
  std::vector<std::filesystem::path> m_stack;
  std::set<std::filesystem::path> m_seen;
  std::vector<std::filesystem::path> m_files;
  std::vector<std::pair<std::filesystem::path, YamlNodePtr>> m_popularity;  // included popularity files
};

}  // namespace prerender::manifest
