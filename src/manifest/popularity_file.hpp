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

}  // namespace prerender::manifest
