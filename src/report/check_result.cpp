#include "report/check_result.hpp"

#include <algorithm>

namespace prerender::report {

std::string_view name(Finding finding) {
  switch (finding) {
    case Finding::render_error: return "render_error";
    case Finding::missing_reference: return "missing_reference";
    case Finding::unreadable_reference: return "unreadable_reference";
    case Finding::format: return "format";
    case Finding::dimensions: return "dimensions";
    case Finding::difference: return "difference";
    case Finding::bytes: return "bytes";
    case Finding::extra_reference: return "extra_reference";
  }
  return "unknown";
}

bool RenditionCheck::has(Finding finding) const {
  return std::any_of(problems.begin(), problems.end(), [&](const Problem& p) { return p.finding == finding; });
}

Finding RenditionCheck::primary() const {
  Finding out = problems.front().finding;
  for (const Problem& p : problems) out = std::min(out, p.finding);
  return out;
}

std::string RenditionCheck::problems_text() const {
  std::string out;
  for (const Problem& p : problems) out += (out.empty() ? "" : "; ") + p.message;
  return out;
}

std::size_t CheckResult::count_passed() const {
  return static_cast<std::size_t>(
      std::count_if(renditions.begin(), renditions.end(), [](const RenditionCheck& c) { return c.passed(); }));
}

std::size_t CheckResult::count(Finding finding) const {
  return static_cast<std::size_t>(
      std::count_if(renditions.begin(), renditions.end(), [&](const RenditionCheck& c) { return c.has(finding); }));
}

std::size_t CheckResult::count_failed() const { return renditions.size() - count_passed(); }

std::size_t CheckResult::count_differing() const {
  return static_cast<std::size_t>(std::count_if(renditions.begin(), renditions.end(), [](const RenditionCheck& c) {
    return !c.passed() && !c.has(Finding::missing_reference) && !c.has(Finding::extra_reference) &&
           !c.has(Finding::render_error);
  }));
}

}  // namespace prerender::report
