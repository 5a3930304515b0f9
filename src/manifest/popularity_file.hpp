#pragma once

#include "manifest/manifest.hpp"
#include "manifest/reader.hpp"
#include "manifest/yaml_tree.hpp"

namespace prerender::manifest {

// Reads the popularity file that the manifest's `popularity:` key names (relative to the manifest) and sets
// the `requests` of every asset that does not set its own. A file that does not exist yet gives no counts
// (the nightly `prerender popularity` creates it, and it loads this manifest first); a file that cannot be
// read, is not a popularity file or has a bad count is reported to the reader's diagnostics. Ids the
// manifest no longer has are ignored: the file measures logs, which outlive assets.
void apply_popularity_file(const YamlNode& key, const Reader& reader, Manifest& manifest);

// Whether an included file is a popularity file (`requests:` and no `presets:`) rather than a preset library.
bool is_popularity_file(const YamlNode& root);

// The same for a popularity file the manifest includes (`include: [popularity.yaml]`), already read.
void apply_included_popularity_file(const YamlNode& root, const std::filesystem::path& file, Diagnostics& diagnostics,
                                    Manifest& manifest);

}  // namespace prerender::manifest
