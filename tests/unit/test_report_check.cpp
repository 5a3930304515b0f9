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
  add("a/hero.jpg", "hero")
      .problems.push_back({report::Finding::difference, "difference 0.0400 over the tolerance 0.01"});
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
  CHECK(xml.find("<failure type=\"difference\" message=\"difference 0.0400 over the tolerance 0.01\">") !=
        std::string::npos);
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
  CHECK(text.find("1 match, 1 differ, 0 without a reference, 1 extra reference, 1 failed to render") !=
        std::string::npos);
}

TEST_CASE("the HTML report leads with the failing count and escapes what it shows") {
  const std::string page = report::check_html(sample());
  CHECK(page.find("3 of 4 renditions do not match their references") != std::string::npos);
  CHECK(page.find("<header class=\"fail\">") != std::string::npos);
  CHECK(page.find("asset <code>a&lt;1&gt;</code>") != std::string::npos);
  CHECK(page.find("a<1>") == std::string::npos);
  CHECK(page.find("<summary>1 renditions match</summary>") != std::string::npos);
}

TEST_CASE("the HTML report has a line per preset linking to its failures, grouped under it, extra references last") {
  const std::string page = report::check_html(sample());
  const auto small = page.find("<li class=\"preset-summary\"><b>small</b>: all 1 match</li>");
  const auto hero = page.find(
      "<li class=\"preset-summary\"><a href=\"#preset-2\"><b>hero</b>: 1 of 2 differ, 1 failed to render</a></li>");
  const auto extra =
      page.find("<a href=\"#preset-3\"><b>extra references</b>: 1 extra reference that no rendition writes</a>");
  REQUIRE(small != std::string::npos);
  REQUIRE(hero != std::string::npos);
  REQUIRE(extra != std::string::npos);
  CHECK(small < hero);
  CHECK(hero < extra);
  // Each failure sits in its preset's section, the render error (more serious) before the difference.
  const auto hero_section = page.find("<section class=\"preset\" id=\"preset-2\">");
  const auto extra_section = page.find("<section class=\"preset\" id=\"preset-3\">");
  const auto error = page.find("<code>b/hero.jpg</code>");
  const auto diff = page.find("<code>a/hero.jpg</code>");
  const auto gone = page.find("<code>old/gone.jpg</code>");
  CHECK(page.find("id=\"preset-1\"") == std::string::npos);  // nothing fails in small
  CHECK(hero_section < error);
  CHECK(error < diff);
  CHECK(diff < extra_section);
  CHECK(extra_section < gone);

  // A preset name is shown escaped, in its line and its heading; the link is by number, not by name.
  report::CheckResult odd = sample();
  for (report::RenditionCheck& c : odd.renditions)
    if (c.preset == "hero") c.preset = "<hero & co>";
  const std::string escaped = report::check_html(odd);
  CHECK(escaped.find("<a href=\"#preset-2\"><b>&lt;hero &amp; co&gt;</b>: 1 of 2 differ") != std::string::npos);
  CHECK(escaped.find("<h2>preset &lt;hero &amp; co&gt; · 1 of 2 differ") != std::string::npos);
  CHECK(escaped.find("<hero") == std::string::npos);
}

TEST_CASE("the HTML report shows images at their own width, small ones zoomed by a whole factor, with both qualities") {
  CHECK(report::html::zoom_for(0) == 1);
  CHECK(report::html::zoom_for(1) == 4);
  CHECK(report::html::zoom_for(79) == 4);
  CHECK(report::html::zoom_for(80) == 2);
  CHECK(report::html::zoom_for(159) == 2);
  CHECK(report::html::zoom_for(160) == 1);
  CHECK(report::html::zoom_for(1200) == 1);

  report::CheckResult r;
  auto add = [&](std::string path, std::string preset, std::string format, int width,
                 int height) -> report::RenditionCheck& {
    report::RenditionCheck c;
    c.asset = "photo", c.preset = std::move(preset), c.format = c.reference_format = std::move(format),
    c.path = std::move(path);
    c.rendered = c.has_reference = true;
    c.width = c.reference_width = width, c.height = c.reference_height = height;
    c.quality = 30, c.difference = 0.05, c.max_difference = 0.01;
    c.problems.push_back({report::Finding::difference, "difference 0.0500 over the tolerance 0.01"});
    c.reference_image = c.new_image = c.heat_map = report::ShownImage{"image/webp", "RIFF"};
    r.renditions.push_back(c);
    return r.renditions.back();
  };
  add("photo/og.jpg", "og", "jpeg", 1200, 630).reference_quality = 70;
  add("photo/icon.webp", "icon", "webp", 48, 48);
  const std::string page = report::check_html(r);
  const auto og = page.find("<code>photo/og.jpg</code>"), icon = page.find("<code>photo/icon.webp</code>");
  REQUIRE(og != std::string::npos);
  REQUIRE(icon != std::string::npos);
  const std::string og_part = page.substr(og, icon - og), icon_part = page.substr(icon);
  auto count = [](const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  // Reference, new output and heat map, each at 1200 CSS pixels, in one row of panes that scroll together.
  CHECK(count(og_part, "width=\"1200\" data-zoom=\"1\"") == 3);
  CHECK(og_part.find("<div class=\"images compare\">") != std::string::npos);
  CHECK(og_part.find("1200x630 · 0 B · jpeg · quality 70</figcaption>") != std::string::npos);
  CHECK(og_part.find("1200x630 · 0 B · jpeg · quality 30</figcaption>") != std::string::npos);
  CHECK(og_part.find("class=\"zoom\"") == std::string::npos);
  // 48 pixels: four times, pixelated, with its badge; a WebP reference does not tell its quality.
  CHECK(count(icon_part, "width=\"192\" class=\"zoomed\" data-zoom=\"4\"") == 3);
  CHECK(count(icon_part, ">x4</span>") == 3);
  CHECK(icon_part.find("48x48 · 0 B · webp · <span title=\"the file does not record the quality it was encoded "
                       "at\">quality unknown</span>") != std::string::npos);
  CHECK(icon_part.find("48x48 · 0 B · webp · quality 30</figcaption>") != std::string::npos);
  // Self-contained: nothing is fetched.
  CHECK(page.find("src=\"http") == std::string::npos);
  CHECK(page.find("<script src") == std::string::npos);
}

TEST_CASE("the HTML report shows quality: auto's chosen quality with its butteraugli score, failing or passing") {
  report::CheckResult r = sample();
  r.renditions[0].quality = 68, r.renditions[0].butteraugli = 1.4812;  // passes
  r.renditions[1].quality = 71, r.renditions[1].butteraugli = 1.3;     // differs
  const std::string page = report::check_html(r);
  CHECK(page.find("<th>quality</th>") != std::string::npos);
  CHECK(page.find("<td>68 (butteraugli 1.48)</td>") != std::string::npos);
  CHECK(page.find("quality 71 (butteraugli 1.30)") != std::string::npos);
  // Where it took 4:4:4 chroma, the caption and the table say so.
  r.renditions[0].full_chroma = r.renditions[1].full_chroma = true;
  const std::string full = report::check_html(r);
  CHECK(full.find("<td>68 at 4:4:4 (butteraugli 1.48)</td>") != std::string::npos);
  CHECK(full.find("quality 71 at 4:4:4 (butteraugli 1.30)") != std::string::npos);
}
}  // namespace prerender
