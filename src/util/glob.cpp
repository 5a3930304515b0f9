#include "util/glob.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fnmatch.h>
#include <glob.h>

namespace prerender::util {

bool has_wildcard(std::string_view pattern) { return pattern.find_first_of("*?[{") != std::string_view::npos; }

bool glob_match(std::string_view pattern, std::string_view text) {
  return ::fnmatch(std::string(pattern).c_str(), std::string(text).c_str(), 0) == 0;
}

namespace {

// glob(3) reports a folder it cannot open through a plain function: the first one of this thread's call.
thread_local std::string t_unreadable;

int on_glob_error(const char* path, int error) {
  if (t_unreadable.empty())
    t_unreadable = std::string("folder '") + path + "': " +
                   (error == EACCES || error == EPERM ? std::string("permission denied") : std::strerror(error));
  return 0;  // go on with the rest
}

}  // namespace

std::vector<std::string> glob_files(const std::filesystem::path& root, const std::string& pattern,
                                    std::string* unreadable) {
  t_unreadable.clear();
  std::string prefix = root.string();
  if (!prefix.empty() && prefix.back() != '/') prefix += '/';
  glob_t found{};
  std::vector<std::string> out;
  const int status = ::glob((prefix + pattern).c_str(), GLOB_BRACE | GLOB_NOSORT, on_glob_error, &found);
  if (unreadable) *unreadable = t_unreadable;
  if (status == 0) {
    for (std::size_t i = 0; i < found.gl_pathc; ++i) {
      std::string path = found.gl_pathv[i];
      std::error_code ec;
      if (!std::filesystem::is_regular_file(path, ec)) continue;
      out.push_back(path.substr(prefix.size()));
    }
  }
  ::globfree(&found);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace prerender::util
