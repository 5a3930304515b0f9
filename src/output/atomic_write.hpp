#pragma once

#include <filesystem>
#include <cstddef>
#include <string>
#include <string_view>

namespace prerender::output {

// Writes `bytes` to `path` so that the path only ever holds a complete file: a temporary file in the
// same folder (".prerender-tmp-*", a short name), flushed to disk, then renamed over the path. Never writes through a
// link: under an open OutputRoot (output/root.hpp) every folder below the root is walked without following
// links; elsewhere (a file the user names, such as --metrics-file or --junit) the folder is the user's
// choice and the file itself must not be a link. Creates missing folders.
// Throws std::runtime_error naming the path and the reason; the temporary file is removed on failure.
void write_atomically(const std::filesystem::path& path, std::string_view bytes);

// The prefix of temporary files, so that a later run can remove what a killed one left. The full name
// is ".prerender-tmp-<host>-<pid>-<random>": <host> the 8 hex digits of a hash of the host name, <random>
// 12 hex digits. It does not carry the file's name, so a file name of NAME_MAX (255) bytes has room.
inline constexpr std::string_view k_temp_prefix = ".prerender-tmp-";

// A temporary name no other writer uses, of at most k_temp_name_max bytes whatever the file it stands for.
std::string temporary_name();
inline constexpr std::size_t k_temp_name_max = 45;

// Whether `name` in the folder `dir` is a temporary file (a regular file, not a link) left by a process
// that is gone: one of this host whose pid no longer runs, or one of another host older than an hour.
// Names of earlier releases (".prerender-tmp-<host name>-<pid>-<file>.<random>") are recognised too.
// Temporaries of live processes (another shard writing into the same folders) are never stale.
bool is_stale_temporary(int dir, const std::string& name);

}  // namespace prerender::output
