#include "manifest/http_fields.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "manifest/keys.hpp"
#include "publish/tags.hpp"

namespace prerender::manifest {

std::optional<std::vector<std::string>> read_tags(const Reader& reader, const YamlNode& node, std::string_view what) {
  const std::vector<const YamlNode*> items = node.as_list();
  if (items.size() > publish::k_max_added_tags) {
    reader.error(node,
                 fmt::format("{} lists {} tags; at most {} (a rendition may carry {} on CloudFront, 4 are automatic)",
                             what, items.size(), publish::k_max_added_tags, publish::k_max_tags));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (const YamlNode* item : items) {
    const std::optional<std::string> tag = reader.string(*item, what);
    if (!tag) {
      ok = false;
      continue;
    }
    if (const auto problem = publish::tag_problem(*tag)) {
      reader.error(*item, fmt::format("{}: tag {} {}", what, quote(*tag), *problem));
      ok = false;
    } else if (std::find(out.begin(), out.end(), *tag) == out.end()) {
      out.push_back(*tag);
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

namespace {

std::optional<std::string> header_value(const Reader& reader, const YamlNode& node, const std::string& what) {
  std::optional<std::string> value = reader.string(node, what);
  if (!value) return std::nullopt;
  if (const auto problem = publish::header_value_problem(*value)) {
    reader.error(node, fmt::format("{} {} {}", what, quote(*value), *problem));
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<presets::CacheControl> read_cache_control(const Reader& reader, const YamlNode& node,
                                                        std::string_view what) {
  presets::CacheControl out;
  if (!node.is_map()) {
    out.browser = header_value(reader, node, std::string(what));
    return out.browser ? std::optional(out) : std::nullopt;
  }
  if (!reader.check_map(node, k_cache_control_keys, what)) return std::nullopt;
  if (const YamlNode* v = node.find("browser")) out.browser = header_value(reader, *v, fmt::format("{}.browser", what));
  if (const YamlNode* v = node.find("cdn")) out.cdn = header_value(reader, *v, fmt::format("{}.cdn", what));
  if (const YamlNode* v = node.find("surrogate"))
    out.surrogate = header_value(reader, *v, fmt::format("{}.surrogate", what));
  return out;
}

}  // namespace prerender::manifest
