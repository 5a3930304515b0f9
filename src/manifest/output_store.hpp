#pragma once

#include "manifest/manifest.hpp"
#include "manifest/reader.hpp"

namespace prerender::manifest {

// `output.root: s3://bucket/prefix` and `output.s3: { endpoint, region, path_style }` of the mapping
// `output`: sets out.store (and leaves out.root for the command to set to its state folder). An s3:// root
// without a bucket, and output.s3 without an s3:// root, are diagnostics at the value.
void read_output_store(const YamlNode& output, const Reader& reader, OutputSpec& out);

}  // namespace prerender::manifest
