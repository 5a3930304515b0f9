#include "manifest/inline_preset.hpp"

#include <fmt/format.h>
#include <map>
#include <yaml-cpp/emitter.h>

#include "manifest/preset_parser.hpp"
#include "manifest/reader.hpp"
#include "manifest/yaml_tree.hpp"
#include "presets/format_defaults.hpp"

namespace prerender::manifest {
namespace {

bool is_list_key(const std::string& key) {
  return key == "format" || key == "dpr" || key == "keep" || key == "overlay.offset";
}

void emit_value(YAML::Emitter& out, const std::string& key, const std::string& value) {
  if (!is_list_key(key)) {
    out << value;
    return;
  }
  out << YAML::Flow << YAML::BeginSeq;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t comma = value.find(',', start);
    if (comma == std::string::npos) comma = value.size();
    out << value.substr(start, comma - start);
    start = comma + 1;
  }
  out << YAML::EndSeq;
}

}  // namespace

presets::PresetSpec parse_inline_preset(const std::vector<std::pair<std::string, std::string>>& settings) {
  // Group dotted keys into nested mappings, then let the YAML emitter quote whatever needs quoting: the
  // text parsed below is exactly what a manifest would say.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> nested;
  std::vector<std::pair<std::string, std::string>> flat;
  for (const auto& [key, value] : settings) {
    const auto dot = key.find('.');
    if (dot == std::string::npos)
      flat.emplace_back(key, value);
    else
      nested[key.substr(0, dot)].emplace_back(key.substr(dot + 1), value);
  }
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (const auto& [key, value] : flat) {
    out << YAML::Key << key << YAML::Value;
    emit_value(out, key, value);
  }
  for (const auto& [group, items] : nested) {
    out << YAML::Key << group << YAML::Value << YAML::BeginMap;
    for (const auto& [key, value] : items) {
      out << YAML::Key << key << YAML::Value;
      emit_value(out, group + "." + key, value);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  const std::string file = "<command line>";
  YamlNodePtr root = parse_yaml(out.c_str(), file);
  Diagnostics diagnostics;
  const Reader reader(file, diagnostics);
  presets::PresetSpec spec = parse_preset(*root, "command line", reader, std::filesystem::current_path());
  diagnostics.throw_if_any();
  return spec;
}

std::vector<std::string> preset_problems(const presets::Preset& preset) {
  std::vector<std::string> out;
  for (presets::Format format : preset.formats)
    for (std::string& problem : presets::format_problems(preset, format)) out.push_back(std::move(problem));
  return out;
}

}  // namespace prerender::manifest
