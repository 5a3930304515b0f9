#pragma once

#include <array>
#include <string_view>

#include "presets/fields.hpp"

namespace prerender::manifest {

// One key table per mapping of the manifest. They feed validation, "did you mean" suggestions, and
// the test that keeps docs/manifest.schema.json in step with the parser.
inline constexpr std::array<std::string_view, 8> k_manifest_keys{"version", "include", "sources", "output",
                                                                 "limits",  "presets", "assets",  "popularity"};
inline constexpr std::array<std::string_view, 3> k_library_keys{"version", "include", "presets"};
inline constexpr std::array<std::string_view, 1> k_sources_keys{"root"};
inline constexpr std::array<std::string_view, 4> k_output_keys{"root", "path", "base_url", "s3"};
inline constexpr std::array<std::string_view, 3> k_output_s3_keys{"endpoint", "region", "path_style"};
inline constexpr std::array<std::string_view, 6> k_limits_keys{"max_pixels",  "max_file_bytes",  "max_frames",
                                                               "max_seconds", "allow_untrusted", "formats"};
// Source format families limits.formats may name (told from the bytes, see render/sniff.hpp).
inline constexpr std::array<std::string_view, 11> k_source_formats{"jpeg", "png", "webp", "gif", "heif",   "tiff",
                                                                   "jxl",  "svg", "jp2k", "pdf", "unknown"};
// The preset mapping and its nested `resize` and `check`: from the option table.
inline constexpr auto k_preset_keys = presets::k_option_keys;
inline constexpr auto k_resize_keys = presets::k_resize_option_keys;
inline constexpr std::array<std::string_view, 4> k_region_keys{"left", "top", "width", "height"};
inline constexpr std::array<std::string_view, 4> k_pad_keys{"top", "right", "bottom", "left"};
inline constexpr std::array<std::string_view, 5> k_overlay_keys{"image", "gravity", "offset", "width", "opacity"};
inline constexpr auto k_check_keys = presets::k_check_option_keys;
// `quality: { target: { butteraugli: 1.4 }, min: 40, max: 90 }` (quality: auto with its own settings).
inline constexpr std::array<std::string_view, 3> k_quality_keys{"target", "min", "max"};
inline constexpr std::array<std::string_view, 1> k_quality_target_keys{"butteraugli"};
// The file `popularity:` names (written by `prerender popularity`).
inline constexpr std::array<std::string_view, 4> k_popularity_file_keys{"version", "summary", "requests",
                                                                        "proposed_assets"};
inline constexpr std::array<std::string_view, 3> k_cache_control_keys{"browser", "cdn", "surrogate"};
inline constexpr std::array<std::string_view, 6> k_asset_keys{"id", "source", "presets", "requests", "focus", "tags"};

}  // namespace prerender::manifest
