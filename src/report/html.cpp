#include "report/html.hpp"

#include <fmt/format.h>

#include "util/files.hpp"

namespace prerender::report::html {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if (c < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') out += "\xEF\xBF\xBD";
        else out += ch;
    }
  }
  return out;
}

std::string data_uri(const ShownImage& image) { return "data:" + image.mime + ";base64," + util::base64(image.bytes); }

std::string img(const ShownImage& image, int width, std::string_view alt, int min_width) {
  const int factor = width > 0 && width < min_width ? (min_width + width - 1) / width : 1;
  const std::string size = width > 0 ? fmt::format(" width=\"{}\"", width * factor) : "";
  const char* style = factor > 1 ? " class=\"zoomed\"" : "";
  return fmt::format("<img src=\"{}\"{}{} alt=\"{}\">", data_uri(image), size, style, escape(alt));
}

namespace {

constexpr std::string_view k_style = R"css(
:root { --fail: #b3261e; --pass: #1b6e3a; --warn: #8a5a00; --line: #d9d9de; --muted: #5f6368; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1f1f1f; background: #f6f6f8; }
header { padding: 20px 28px; color: #fff; background: var(--pass); }
header.fail { background: var(--fail); }
header h1 { margin: 0 0 6px; font-size: 22px; }
header p { margin: 2px 0; opacity: .92; }
main { padding: 20px 28px 40px; }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 0 0 20px; padding: 0; list-style: none; }
.counts li { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; }
.counts li b { font-size: 18px; margin-right: 4px; }
.counts li.bad b { color: var(--fail); }
section.case { background: #fff; border: 1px solid var(--line); border-left: 5px solid var(--fail); border-radius: 6px; margin: 0 0 18px; padding: 14px 18px; }
section.asset { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 0 0 18px; padding: 14px 18px; }
h2 { font-size: 16px; margin: 0 0 4px; word-break: break-all; }
.meta { color: var(--muted); margin: 0 0 8px; }
.tag { display: inline-block; font-size: 12px; font-weight: 600; border-radius: 4px; padding: 1px 7px; margin-left: 6px; color: #fff; background: var(--fail); vertical-align: middle; }
.tag.bytes { background: var(--warn); }
ul.problems { margin: 4px 0 12px; padding-left: 20px; }
.images { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 0; max-width: 100%; width: min-content; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line);
  background: repeating-conic-gradient(#e8e8ec 0 25%, #fff 0 50%) 0 0 / 16px 16px; }
figure img.zoomed { image-rendering: pixelated; }
figcaption { color: var(--muted); margin-top: 4px; font-size: 13px; min-width: 200px; }
figcaption b { color: #1f1f1f; }
.missing { width: 240px; height: 120px; display: flex; align-items: center; justify-content: center; border: 1px dashed var(--line); color: var(--muted); }
.legend { display: inline-block; width: 120px; height: 10px; vertical-align: middle; border: 1px solid var(--line);
  background: linear-gradient(90deg, #c8c8c8, #1d2f9c, #18a0a0, #d8d020, #e02010); }
table { border-collapse: collapse; background: #fff; width: 100%; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid var(--line); font-variant-numeric: tabular-nums; }
details { margin-top: 20px; }
summary { cursor: pointer; font-weight: 600; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; }
.swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px; vertical-align: middle; border: 1px solid var(--line); }
)css";

}  // namespace

std::string page(std::string_view title, std::string_view body) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{}</style>\n</head>\n"
      "<body>\n{}</body>\n</html>\n",
      escape(title), k_style, body);
}

}  // namespace prerender::report::html
