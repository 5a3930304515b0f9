#include "util/glob.hpp"

#include <algorithm>
#include <fnmatch.h>
#include <glob.h>

namespace prerender::util {

bool has_wildcard(std::string_view pattern) { return pattern.find_first_of("*?[{") != std::string_view::npos; }

bool glob_match(std::string_view pattern, std::string_view text) {
  return ::fnmatch(std::string(pattern).c_str(), std::string(text).c_str(), 0) == 0;
}

std::vector<std::string> glob_files(const std::filesystem::path& root, const std::string& pattern) {
  std::string prefix = root.string();
  if (!prefix.empty() && prefix.back() != '/') prefix += '/';
  glob_t found{};
  std::vector<std::string> out;
  const int status = ::glob((prefix + pattern).c_str(), GLOB_BRACE | GLOB_NOSORT, nullptr, &found);
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
