#pragma once

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "manifest/reader.hpp"
#include "manifest/yaml_tree.hpp"
#include "presets/preset.hpp"

namespace prerender::manifest {

// Reads the values of one preset's options (the reader plus the preset's name for messages). The options
// with structure have one `custom` overload per value type: the field table (presets/fields.hpp) marks
// them `read::Custom` and the parser picks the overload from the member's type.
class PresetReader {
 public:
  PresetReader(const Reader& reader, const std::string& name, const std::filesystem::path& folder)
      : m_r(reader), m_name(name), m_folder(folder) {}

  const Reader& reader() const { return m_r; }
  const std::string& name() const { return m_name; }
  // "'key' in preset 'name'".
  std::string what(std::string_view key) const;

  // `true` gives `fallback`, `false` gives 0 (off), a number is taken as is.
  std::optional<double> bool_or_number(const YamlNode& node, std::string_view key, double fallback, double min,
                                       double max) const;

  std::optional<presets::Crop> custom(const YamlNode& node, std::type_identity<presets::Crop>) const;
  std::optional<presets::Edges> custom(const YamlNode& node, std::type_identity<presets::Edges>) const;
  std::optional<presets::Colour> custom(const YamlNode& node, std::type_identity<presets::Colour>) const;
  std::optional<presets::Overlay> custom(const YamlNode& node, std::type_identity<presets::Overlay>) const;
  std::optional<presets::Keep> custom(const YamlNode& node, std::type_identity<presets::Keep>) const;
  std::optional<std::vector<presets::Format>> custom(const YamlNode& node,
                                                     std::type_identity<std::vector<presets::Format>>) const;
  std::optional<std::vector<double>> custom(const YamlNode& node, std::type_identity<std::vector<double>>) const;
  std::optional<presets::Quality> custom(const YamlNode& node, std::type_identity<presets::Quality>) const;
  std::optional<presets::CacheControl> custom(const YamlNode& node, std::type_identity<presets::CacheControl>) const;
  std::optional<std::vector<std::string>> custom(const YamlNode& node,
                                                 std::type_identity<std::vector<std::string>>) const;

  static std::optional<int> as_int(std::optional<std::int64_t> v) {
    return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
  }

 private:
  // One value or a list of them, at least one, none twice; any problem gives nothing.
  template <typename T, typename ReadItem, typename Show>
  std::optional<std::vector<T>> distinct_list(const YamlNode& node, std::string_view key, std::string_view at_least,
                                              ReadItem read_item, Show show) const {
    const std::vector<const YamlNode*> items = node.as_list();
    if (items.empty()) {
      m_r.error(node, what(key) + " must " + std::string(at_least));
      return std::nullopt;
    }
    std::vector<T> out;
    for (const YamlNode* item : items) {
      std::optional<T> value = read_item(*item);
      if (!value) return std::nullopt;
      if (std::find(out.begin(), out.end(), *value) != out.end()) {
        m_r.error(*item, what(key) + " lists " + show(*value) + " twice");
        return std::nullopt;
      }
      out.push_back(*value);
    }
    return out;
  }

  std::optional<presets::Region> region(const YamlNode& node) const;
  void overlay_entry(const std::string& key, const YamlNode& value, presets::Overlay& out, bool& has_image) const;

  const Reader& m_r;
  const std::string& m_name;
  const std::filesystem::path& m_folder;
};

}  // namespace prerender::manifest
