#pragma once

#include <filesystem>
#include <string>

namespace prerender::util {

// Why `path` cannot be read as a file, or "" when it can: "it does not exist", "permission denied",
// "permission denied on a folder of its path", "it is a folder, not a file", ... Permissions are
// asked of the kernel (access(2)), so the answer is the running user's, not the file's mode bits.
std::string unreadable_file_reason(const std::filesystem::path& path);

}  // namespace prerender::util
