#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "manifest/manifest.hpp"
#include "test_support.hpp"

namespace prerender::test {

// The diagnostics of loading `text` as <dir>/site.yaml, one "line:col: message" each; empty when it loads.
inline std::vector<std::string> problems_of(const std::string& text, const TempDir& dir) {
  write_file(dir.path() / "site.yaml", text);
  try {
    manifest::load_manifest(dir.path() / "site.yaml");
  } catch (const manifest::ManifestError& e) {
    std::vector<std::string> out;
    for (const auto& d : e.items())
      out.push_back(std::to_string(d.at.line) + ":" + std::to_string(d.at.column) + ": " + d.message);
    return out;
  }
  return {};
}

// Whether one of `lines` contains `text`.
inline bool any_contains(const std::vector<std::string>& lines, const std::string& text) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

}  // namespace prerender::test
