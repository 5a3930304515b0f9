#include "manifest/asset_id.hpp"

#include <fmt/format.h>

namespace prerender::manifest {

std::string id_problem(std::string_view id) {
  if (id.empty()) return "it is empty";
  for (char c : id) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "it has a control character";
    if (c == '\\') return "it has a backslash";
  }
  if (id.front() == '/') return "it starts with '/'";
  std::size_t start = 0;
  while (start <= id.size()) {
    std::size_t end = id.find('/', start);
    if (end == std::string_view::npos) end = id.size();
    std::string_view segment = id.substr(start, end - start);
    if (segment.empty()) return "it has an empty path segment";
    if (segment == "." || segment == "..") return fmt::format("it has a '{}' segment", segment);
    start = end + 1;
  }
  return "";
}

std::string id_from_path(std::string_view relative) {
  std::string id(relative);
  const auto slash = id.rfind('/');
  const auto dot = id.rfind('.');
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash + 1)) id.erase(dot);
  while (id.rfind("./", 0) == 0) id.erase(0, 2);
  return id;
}

}  // namespace prerender::manifest
