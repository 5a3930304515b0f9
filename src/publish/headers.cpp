#include "publish/headers.hpp"

#include "publish/tags.hpp"

namespace prerender::publish {

void stamp_http(output::RenditionRecord& r, const presets::Preset& preset, const std::vector<std::string>& asset_tags) {
  r.cache_control = preset.cache_control.browser.value_or(std::string(k_default_cache_control));
  r.cdn_cache_control = preset.cache_control.cdn.value_or("");
  r.surrogate_control = preset.cache_control.surrogate.value_or("");
  std::vector<std::string> added = preset.tags;
  added.insert(added.end(), asset_tags.begin(), asset_tags.end());
  r.tags = rendition_tags(r.asset, r.preset, r.renderer_version, r.source_hash, added);
}

std::string etag_header(const output::RenditionRecord& r) { return "\"" + r.etag + "\""; }

std::string joined(const std::vector<std::string>& tags, std::string_view separator) {
  std::string out;
  for (const std::string& tag : tags) {
    if (!out.empty()) out += separator;
    out += tag;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> response_headers(const output::RenditionRecord& r) {
  std::vector<std::pair<std::string, std::string>> out{{"Content-Type", r.content_type},
                                                       {"Cache-Control", r.cache_control}};
  if (!r.cdn_cache_control.empty()) out.emplace_back("CDN-Cache-Control", r.cdn_cache_control);
  if (!r.surrogate_control.empty()) out.emplace_back("Surrogate-Control", r.surrogate_control);
  out.emplace_back("ETag", etag_header(r));
  const std::string spaced = joined(r.tags, " "), commas = joined(r.tags, ",");
  out.emplace_back("Surrogate-Key", spaced);
  out.emplace_back("xkey", spaced);
  out.emplace_back("Cache-Tag", commas);
  out.emplace_back("Edge-Cache-Tag", commas);
  return out;
}

output::ObjectHeaders object_headers(const output::RenditionRecord& r) {
  output::ObjectHeaders out{{"Content-Type", r.content_type},
                            {"Cache-Control", r.cache_control},
                            {std::string(output::k_content_hash_meta), r.etag}};
  if (!r.tags.empty()) out.emplace_back("x-amz-meta-cache-tags", joined(r.tags, " "));
  if (!r.cdn_cache_control.empty()) out.emplace_back("x-amz-meta-cdn-cache-control", r.cdn_cache_control);
  if (!r.surrogate_control.empty()) out.emplace_back("x-amz-meta-surrogate-control", r.surrogate_control);
  return out;
}

}  // namespace prerender::publish
