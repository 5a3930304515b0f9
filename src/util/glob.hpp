#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace prerender::util {

// True when `pattern` has a shell wildcard (* ? [ {).
bool has_wildcard(std::string_view pattern);

// Shell-style match of a whole name; '*' and '?' also match '/', so "shows/*" matches every id
// under shows/.
bool glob_match(std::string_view pattern, std::string_view text);

// Files (not folders) under `root` whose path relative to `root` matches `pattern` (glob(3) syntax
// with {a,b} braces; '*' does not cross '/'). Relative paths, sorted, '/'-separated. A folder on the
// way that cannot be read is put in `unreadable` (the first one, with its reason), when given.
std::vector<std::string> glob_files(const std::filesystem::path& root, const std::string& pattern,
                                    std::string* unreadable = nullptr);

}  // namespace prerender::util
