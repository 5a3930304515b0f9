#include "manifest/quality_parser.hpp"

#include <fmt/format.h>
#include <string>

#include "manifest/keys.hpp"

namespace prerender::manifest {
namespace {

std::optional<int> as_int(std::optional<std::int64_t> v) {
  return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
}

std::string what(std::string_view key, std::string_view preset) {
  return fmt::format("'{}' in preset '{}'", key, preset);
}

std::optional<presets::QualityAuto> read_auto(const Reader& reader, const YamlNode& node, std::string_view preset) {
  if (!reader.check_map(node, k_quality_keys, fmt::format("'quality' of preset '{}'", preset))) return std::nullopt;
  presets::QualityAuto out;
  bool ok = true;
  if (const YamlNode* target = node.find("target")) {
    if (reader.check_map(*target, k_quality_target_keys, fmt::format("'quality.target' of preset '{}'", preset))) {
      if (const YamlNode* b = target->find("butteraugli")) {
        out.butteraugli = reader.number(*b, what("quality.target.butteraugli", preset), 0.1, 20);
        ok = ok && out.butteraugli;
      }
    } else {
      ok = false;
    }
  }
  if (const YamlNode* v = node.find("min"))
    ok = (out.min = as_int(reader.integer(*v, what("quality.min", preset), 1, 100))) && ok;
  if (const YamlNode* v = node.find("max"))
    ok = (out.max = as_int(reader.integer(*v, what("quality.max", preset), 1, 100))) && ok;
  if (out.min && out.max && *out.min > *out.max) {
    reader.error(node, fmt::format("{}: min {} is above max {}", what("quality", preset), *out.min, *out.max));
    ok = false;
  }
  return ok ? std::optional(out) : std::nullopt;
}

}  // namespace

std::optional<presets::Quality> read_quality(const Reader& reader, const YamlNode& node, std::string_view preset) {
  if (node.is_scalar() && !node.quoted && node.scalar == "auto") return presets::Quality(presets::QualityAuto{});
  if (node.is_map()) {
    std::optional<presets::QualityAuto> automatic = read_auto(reader, node, preset);
    return automatic ? std::optional<presets::Quality>(*automatic) : std::nullopt;
  }
  const auto q = reader.integer(node, what("quality", preset), 1, 100);
  return q ? std::optional<presets::Quality>(static_cast<int>(*q)) : std::nullopt;
}

}  // namespace prerender::manifest
