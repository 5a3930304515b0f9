#pragma once

#include <string>

#include "report/check_result.hpp"

namespace prerender::report {

// For people, on stdout: one line per rendition that does not match (or, after --update, per reference
// added, changed or removed), then the counts.
std::string check_text(const CheckResult& result);

// JUnit XML as CI systems read it: one <testsuite> per preset (and one for extra references), one
// <testcase> per rendition; <failure> for a mismatch, <error> for a rendition that could not be rendered.
std::string junit_xml(const CheckResult& result);

// One self-contained HTML page (images inline): a summary on top with a line per preset linking to its
// failures, then the failing renditions preset by preset, each with the reference, the new output and
// the difference heat map side by side at their own size (small ones zoomed by a whole factor, large
// ones in panes that scroll together), with dimensions, bytes, quality (of the reference too, or
// "unknown") and score; the renditions that match in a table at the end.
std::string check_html(const CheckResult& result);

}  // namespace prerender::report
