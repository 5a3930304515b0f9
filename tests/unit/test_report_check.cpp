#include <doctest/doctest.h>

#include "report/check_report.hpp"
#include "report/html.hpp"
#include "util/files.hpp"

namespace prerender {
namespace {

report::CheckResult sample() {
  report::CheckResult r;
  r.manifest = "site.yaml";
  r.golden = "golden";
  auto add = [&](std::string path, std::string preset) -> report::RenditionCheck& {
    report::RenditionCheck c;
    c.asset = "a<1>", c.preset = std::move(preset), c.format = "jpeg", c.path = std::move(path);
    c.rendered = c.has_reference = true;
    c.width = c.reference_width = 160, c.height = c.reference_height = 120;
    c.max_difference = 0.01;
    r.renditions.push_back(c);
    return r.renditions.back();
  };
  add("a/small.jpg", "small");
  add("a/hero.jpg", "hero").problems.push_back({report::Finding::difference, "difference 0.0400 over the tolerance 0.01"});
  add("b/hero.jpg", "hero").problems.push_back({report::Finding::render_error, "cannot fit max_bytes 200 & more"});
  report::RenditionCheck extra;
  extra.path = "old/gone.jpg";
  extra.has_reference = true;
  extra.problems.push_back({report::Finding::extra_reference, "no rendition of the manifest writes this path"});
  r.renditions.push_back(extra);
  return r;
}

}  // namespace

TEST_CASE("base64 matches RFC 4648 test vectors") {
  CHECK(util::base64("") == "");
  CHECK(util::base64("f") == "Zg==");
  CHECK(util::base64("fo") == "Zm8=");
  CHECK(util::base64("foo") == "Zm9v");
  CHECK(util::base64("foobar") == "Zm9vYmFy");
  CHECK(util::base64(std::string("\xFF\xD8\x00", 3)) == "/9gA");
}

TEST_CASE("HTML escaping covers markup, quotes and control characters") {
  CHECK(report::html::escape("<a href=\"x\">&'</a>") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
  CHECK(report::html::escape(std::string("a\x01z", 3)) == "a\xEF\xBF\xBDz");
  CHECK(report::html::escape("line\nnext") == "line\nnext");
}

TEST_CASE("JUnit XML has a suite per preset, a case per rendition, failures and errors where due") {
  const std::string xml = report::junit_xml(sample());
  CHECK(xml.find("<testsuites name=\"prerender check\" tests=\"4\" failures=\"2\" errors=\"1\"") != std::string::npos);
  CHECK(xml.find("<testsuite name=\"preset small\" tests=\"1\" failures=\"0\" errors=\"0\"") != std::string::npos);
  CHECK(xml.find("<testsuite name=\"preset hero\" tests=\"2\" failures=\"1\" errors=\"1\"") != std::string::npos);
  CHECK(xml.find("<testsuite name=\"extra references\" tests=\"1\" failures=\"1\"") != std::string::npos);
  CHECK(xml.find("<testcase classname=\"prerender.small\" name=\"a/small.jpg\" time=\"0.000\"/>") != std::string::npos);
  CHECK(xml.find("<failure type=\"difference\" message=\"difference 0.0400 over the tolerance 0.01\">") != std::string::npos);
  CHECK(xml.find("<error type=\"render_error\" message=\"cannot fit max_bytes 200 &amp; more\">") != std::string::npos);
  CHECK(xml.find("asset: a&lt;1&gt;") != std::string::npos);
  CHECK(xml.find("a<1>") == std::string::npos);
}

TEST_CASE("the text summary lists what does not match, most serious first, then the counts") {
  const std::string text = report::check_text(sample());
  const auto error = text.find("ERROR      b/hero.jpg");
  const auto diff = text.find("DIFF       a/hero.jpg  difference 0.0400");
  const auto extra = text.find("EXTRA      old/gone.jpg");
  REQUIRE(error != std::string::npos);
  REQUIRE(diff != std::string::npos);
  REQUIRE(extra != std::string::npos);
  CHECK(error < diff);
  CHECK(diff < extra);
  CHECK(text.find("a/small.jpg") == std::string::npos);
  CHECK(text.find("1 match, 1 differ, 0 without a reference, 1 extra reference, 1 failed to render") != std::string::npos);
}

TEST_CASE("the HTML report leads with the failing count and escapes what it shows") {
  const std::string page = report::check_html(sample());
  CHECK(page.find("3 of 4 renditions do not match their references") != std::string::npos);
  CHECK(page.find("<header class=\"fail\">") != std::string::npos);
  CHECK(page.find("asset <code>a&lt;1&gt;</code>") != std::string::npos);
  CHECK(page.find("a<1>") == std::string::npos);
  CHECK(page.find("<summary>1 renditions match</summary>") != std::string::npos);
}

}  // namespace prerender
