#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "output/journal.hpp"
#include "output/object_sink.hpp"
#include "presets/preset.hpp"

namespace prerender::publish {

// Cache-Control when a preset sets none. A rendition's URL names its asset, preset and format, and its
// bytes change only with its source, recipe or renderer; the CDN copy of a changed one is purged by tag
// (prerender purge). Browsers keep theirs a year: a site that changes renditions in place and cannot
// wait should set `cache_control: { browser: "public, max-age=86400", cdn: "public, max-age=31536000" }`.
inline constexpr std::string_view k_default_cache_control = "public, max-age=31536000, immutable";

// Sets the record's cache_control, cdn_cache_control, surrogate_control and tags from its preset and asset
// (asset, preset, renderer version and source hash from the record itself). Call once the record's
// source hash is known.
void stamp_http(output::RenditionRecord& record, const presets::Preset& preset,
                const std::vector<std::string>& asset_tags);

// The strong ETag of a rendition: its content hash in quotes.
std::string etag_header(const output::RenditionRecord& record);

// Every response header a rendition is served with, in this order: Content-Type, Cache-Control,
// CDN-Cache-Control and Surrogate-Control (when set), ETag, then the tags as Surrogate-Key and xkey
// (space-separated: Fastly, Varnish) and Cache-Tag and Edge-Cache-Tag (comma-separated: Cloudflare, Akamai).
std::vector<std::pair<std::string, std::string>> response_headers(const output::RenditionRecord& record);

// What a rendition is stored with in an object store (output/object_sink.hpp): Content-Type,
// Cache-Control, and as user metadata its content hash (x-amz-meta-content-hash), its tags
// (x-amz-meta-cache-tags, space-separated) and its CDN-Cache-Control and Surrogate-Control when set.
// A CDN in front of the store passes them on or maps them to its own headers.
output::ObjectHeaders object_headers(const output::RenditionRecord& record);

std::string joined(const std::vector<std::string>& tags, std::string_view separator);

}  // namespace prerender::publish
