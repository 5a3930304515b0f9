#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "manifest/manifest.hpp"
#include "render/master.hpp"
#include "render/source.hpp"

namespace prerender::render {

// Runs the prerender binary as a child ("prerender __child ...") to probe or decode a source whose codec
// may hang or abort, killing it after `max_seconds`. A crash, a hang or a refusal fails that one asset
// with the reason. The binary is PRERENDER_CHILD from the environment (tests set it), else this process's
// own executable. Throws RenderError.
// The child opens the file's path itself and goes on only when it finds the same file (device, inode, size,
// mtime) as `file`: another one put at the path meanwhile is refused.
SourceInfo probe_in_child(const util::SourceFile& file, const manifest::Limits& limits);
Master decode_in_child(const util::SourceFile& file, const SourceInfo& info, int level, int frames,
                       const manifest::Limits& limits);

// The child's side: `args` after "__child". Writes its answer (JSON) to stdout; returns the exit code.
int child_main(const std::vector<std::string>& args);

}  // namespace prerender::render
