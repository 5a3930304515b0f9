#include <fmt/format.h>
#include <map>
#include <tuple>

#include "report/check_report.hpp"
#include "report/html.hpp"

namespace prerender::report {

std::string junit_xml(const CheckResult& r) {
  using html::escape;
  // Suites in plan order of their first rendition.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const RenditionCheck*>> suites;
  for (const RenditionCheck& c : r.renditions) {
    const std::string suite = c.preset.empty() ? std::string("extra references") : "preset " + c.preset;
    if (suites.find(suite) == suites.end()) order.push_back(suite);
    suites[suite].push_back(&c);
  }
  auto counts = [](const std::vector<const RenditionCheck*>& cases) {
    std::size_t failures = 0, errors = 0;
    double seconds = 0;
    for (const RenditionCheck* c : cases) {
      if (c->has(Finding::render_error))
        ++errors;
      else if (!c->passed())
        ++failures;
      seconds += c->seconds;
    }
    return std::tuple{failures, errors, seconds};
  };
  std::size_t all_failures = 0, all_errors = 0;
  std::string body;
  for (const std::string& suite : order) {
    const auto& cases = suites[suite];
    const auto [failures, errors, seconds] = counts(cases);
    all_failures += failures, all_errors += errors;
    body += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{:.3f}\">\n",
        escape(suite), cases.size(), failures, errors, seconds);
    for (const RenditionCheck* c : cases) {
      const std::string classname = c->preset.empty() ? std::string("prerender.extra") : "prerender." + c->preset;
      body += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"", escape(classname),
                          escape(c->path), c->seconds);
      if (c->passed()) {
        body += "/>\n";
        continue;
      }
      const char* element = c->has(Finding::render_error) ? "error" : "failure";
      std::string details = fmt::format("asset: {}\npreset: {}\nformat: {}\n", c->asset, c->preset, c->format);
      if (c->rendered) details += fmt::format("new: {}x{}, {} bytes, {}\n", c->width, c->height, c->bytes, c->format);
      if (c->has_reference)
        details += fmt::format("reference: {}x{}, {} bytes, {}\n", c->reference_width, c->reference_height,
                               c->reference_bytes, c->reference_format);
      if (c->difference)
        details += fmt::format("difference: {:.4f} (tolerance {})\n", *c->difference, c->max_difference);
      for (const Problem& p : c->problems) details += fmt::format("{}: {}\n", name(p.finding), p.message);
      body += fmt::format(">\n      <{} type=\"{}\" message=\"{}\">{}</{}>\n    </testcase>\n", element,
                          name(c->primary()), escape(c->problems_text()), escape(details), element);
    }
    body += "  </testsuite>\n";
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"prerender check\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
      "time=\"{:.3f}\">\n{}</testsuites>\n",
      r.renditions.size(), all_failures, all_errors, r.seconds, body);
}

}  // namespace prerender::report
