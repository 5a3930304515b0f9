#include "publish/tags.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "util/hash.hpp"

namespace prerender::publish {
namespace {

bool in_grammar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'; }

}  // namespace

std::optional<std::string> tag_problem(std::string_view tag) {
  if (tag.empty()) return "is empty";
  if (tag.size() > k_max_tag_chars)
    return fmt::format("has {} characters (at most {}: Akamai's limit)", tag.size(), k_max_tag_chars);
  for (char c : tag) {
    if (in_grammar(c)) continue;
    if (c >= 'A' && c <= 'Z') return "has upper case (tags are lowercase: CloudFront compares them without case)";
    const unsigned char u = static_cast<unsigned char>(c);
    const std::string shown = u >= 33 && u <= 126 ? fmt::format("'{}'", c) : fmt::format("byte 0x{:02x}", u);
    return fmt::format("has {} (only a-z, 0-9, '.', '_' and '-' are valid on every CDN)", shown);
  }
  return std::nullopt;
}

std::optional<std::string> header_value_problem(std::string_view value) {
  if (value.empty()) return "is empty";
  if (value.size() > 256) return fmt::format("has {} characters (at most 256)", value.size());
  for (char c : value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
                    c == ',' || c == '=' || c == '-' || c == '_' || c == '.';
    if (ok) continue;
    const unsigned char u = static_cast<unsigned char>(c);
    const std::string shown = u >= 33 && u <= 126 ? fmt::format("'{}'", c) : fmt::format("byte 0x{:02x}", u);
    return fmt::format("has {} (only letters, digits, space and ',=-_.')", shown);
  }
  return std::nullopt;
}

std::string derived_tag(std::string_view prefix, std::string_view name) {
  std::string slug;
  bool lossless = true;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z')
      slug += static_cast<char>(c - 'A' + 'a');
    else if (c == '/')
      slug += '.';
    else if (in_grammar(c))
      slug += c;
    else {
      slug += '.';
      lossless = false;
    }
  }
  std::string tag = fmt::format("{}-{}", prefix, slug);
  if (lossless && tag.size() <= k_max_tag_chars && !slug.empty()) return tag;
  const std::string suffix = "-" + util::content_hash(name).substr(0, 8);
  tag.resize(std::min(tag.size(), k_max_tag_chars - suffix.size()));
  return tag + suffix;
}

std::string asset_tag(std::string_view asset) { return derived_tag("asset", asset); }
std::string preset_tag(std::string_view preset) { return derived_tag("preset", preset); }
std::string renderer_tag(std::string_view version) { return derived_tag("renderer", version); }

std::vector<std::string> rendition_tags(std::string_view asset, std::string_view preset,
                                        std::string_view renderer_version, std::string_view source_hash,
                                        const std::vector<std::string>& added) {
  std::vector<std::string> out{asset_tag(asset), preset_tag(preset), renderer_tag(renderer_version)};
  if (!source_hash.empty()) out.push_back(derived_tag("source", source_hash.substr(0, 16)));
  for (const std::string& tag : added)
    if (std::find(out.begin(), out.end(), tag) == out.end()) out.push_back(tag);
  return out;
}

}  // namespace prerender::publish
