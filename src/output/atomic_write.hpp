#pragma once

#include <filesystem>
#include <string_view>

namespace prerender::output {

// Writes `bytes` to `path` so that the path only ever holds a complete file: a temporary file in the
// same folder (".prerender-tmp-*"), flushed to disk, then renamed over the path. Creates missing folders.
// Throws std::runtime_error naming the path and the reason; the temporary file is removed on failure.
void write_atomically(const std::filesystem::path& path, std::string_view bytes);

// The prefix of temporary files, so that a later run can remove what a killed one left.
inline constexpr std::string_view k_temp_prefix = ".prerender-tmp-";

}  // namespace prerender::output
