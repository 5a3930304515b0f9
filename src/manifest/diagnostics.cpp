#include "manifest/diagnostics.hpp"

#include <fmt/format.h>

namespace prerender::manifest {
namespace {

std::string join(const std::vector<Diagnostic>& items) {
  std::string out;
  for (const Diagnostic& item : items) {
    if (!out.empty()) out += '\n';
    out += item.to_string();
  }
  return out;
}

}  // namespace

std::string Diagnostic::to_string() const {
  if (at.line <= 0) return fmt::format("{}: {}", file, message);
  return fmt::format("{}:{}:{}: {}", file, at.line, at.column, message);
}

ManifestError::ManifestError(std::vector<Diagnostic> items)
    : std::runtime_error(join(items)), m_items(std::move(items)) {}

void Diagnostics::throw_if_any() const {
  if (!m_items.empty()) throw ManifestError(m_items);
}

}  // namespace prerender::manifest
