#pragma once

#include <string>
#include <string_view>

namespace prerender::manifest {

// Why an asset id (or a preset name) cannot name output files, or "" when it can: empty, a control
// character, a backslash, a leading '/', an empty, '.' or '..' path segment.
std::string id_problem(std::string_view id);

// The id of a glob-matched (or id-less) source: its path relative to sources.root, without extension.
std::string id_from_path(std::string_view relative);

}  // namespace prerender::manifest
