#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prerender::publish {

// One cache-tag grammar that every CDN accepts as is: Fastly `Surrogate-Key`, Cloudflare `Cache-Tag`,
// Akamai `Edge-Cache-Tag` (at most 128 characters and 128 tags, no colon) and CloudFront cache tags (at most
// 50 tags of 256 characters, ASCII 33-126, no comma, case-insensitive): lowercase [a-z0-9._-], 1 to 128
// characters, at most 50 tags on a rendition.
inline constexpr std::size_t k_max_tag_chars = 128;
inline constexpr std::size_t k_max_tags = 50;
// A preset and an asset add at most this many each, so that with the four automatic tags a rendition
// never carries more than k_max_tags.
inline constexpr std::size_t k_max_added_tags = 20;

// Nothing when `tag` fits the grammar; otherwise why not ("has ':' (only a-z, 0-9, '.', '_' and '-')").
std::optional<std::string> tag_problem(std::string_view tag);

// A tag made from a name that may not fit the grammar (an asset id such as "shows/Talis Wedding"):
// `prefix` + "-" + the name lowercased with '/' and every other character outside the grammar as '.'.
// When the name needed more than lowercasing and '/' -> '.', or is too long, it is cut and ends with "-"
// and 8 hex digits of the name's hash, so two such names do not share a tag. Deterministic.
std::string derived_tag(std::string_view prefix, std::string_view name);

// The automatic tags of a rendition, in this order: asset-<id>, preset-<name>, renderer-<version>,
// source-<hash> (the first 16 hex digits of the source hash); then `added` (the preset's tags, then the
// asset's), without duplicates.
std::vector<std::string> rendition_tags(std::string_view asset, std::string_view preset,
                                        std::string_view renderer_version, std::string_view source_hash,
                                        const std::vector<std::string>& added);

// Nothing when `value` can be a Cache-Control (or CDN-Cache-Control, Surrogate-Control) value as the
// manifest gives it: 1 to 256 characters of letters, digits, space and ",=-_.". Quotes, backslashes,
// '$', ';' and control characters are refused, so that the value is safe as is in an nginx include.
std::optional<std::string> header_value_problem(std::string_view value);

std::string asset_tag(std::string_view asset);
std::string preset_tag(std::string_view preset);
std::string renderer_tag(std::string_view version);

}  // namespace prerender::publish
