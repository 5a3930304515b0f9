#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace prerender::manifest {

// A position in a manifest file, 1-based (0 means unknown).
struct Mark {
  int line = 0;
  int column = 0;
};

struct Diagnostic {
  std::string file;
  Mark at;
  std::string message;

  // "file:line:col: message" (or "file: message" without a position).
  std::string to_string() const;
};

// Thrown once all input problems are collected; what() is every diagnostic, one per line.
class ManifestError : public std::runtime_error {
 public:
  explicit ManifestError(std::vector<Diagnostic> items);
  const std::vector<Diagnostic>& items() const { return m_items; }

 private:
  std::vector<Diagnostic> m_items;
};

// Collects input problems so that a user sees all of them at once, then stops once.
class Diagnostics {
 public:
  void error(const std::string& file, Mark at, std::string message) {
    m_items.push_back({file, at, std::move(message)});
  }
  bool empty() const { return m_items.empty(); }
  std::size_t size() const { return m_items.size(); }
  const std::vector<Diagnostic>& items() const { return m_items; }

  // Throws ManifestError with every diagnostic collected so far, when there is any.
  void throw_if_any() const;

 private:
  std::vector<Diagnostic> m_items;
};

}  // namespace prerender::manifest
