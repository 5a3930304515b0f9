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
        if (c < 0x20 && ch != '\n' && ch != '\t' && ch != '\r')
          out += "\xEF\xBF\xBD";
        else
          out += ch;
    }
  }
  return out;
}

std::string data_uri(const ShownImage& image) { return "data:" + image.mime + ";base64," + util::base64(image.bytes); }

int zoom_for(int width) {
  if (width <= 0) return 1;
  if (width < 80) return 4;
  return width < 160 ? 2 : 1;
}

std::string pane(const ShownImage& image, int width, std::string_view alt, int zoom) {
  if (width <= 0) zoom = 1;
  // The width attribute is in CSS pixels: one image pixel per CSS pixel (per device pixel at a
  // devicePixelRatio of 1), times the zoom. The style sheet never lets an image shrink to fit.
  const std::string size = width > 0 ? fmt::format(" width=\"{}\"", width * zoom) : "";
  return fmt::format("<div class=\"pane\"><img src=\"{}\"{}{} data-zoom=\"{}\" alt=\"{}\"></div>", data_uri(image),
                     size, zoom > 1 ? " class=\"zoomed\"" : "", zoom, escape(alt));
}

std::string zoom_label(int zoom) {
  if (zoom <= 1) return {};
  return fmt::format(
      "<span class=\"zoom\" title=\"shown {} times its size, one image pixel as {}x{} screen pixels\">x{}</span>", zoom,
      zoom, zoom, zoom);
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
.note { color: var(--muted); margin: 0 0 16px; }
section.case { background: #fff; border: 1px solid var(--line); border-left: 5px solid var(--fail); border-radius: 6px; margin: 0 0 18px; padding: 14px 18px; }
section.asset { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 0 0 18px; padding: 14px 18px; }
h2 { font-size: 18px; margin: 0 0 10px; }
h3 { font-size: 16px; margin: 0 0 4px; word-break: break-all; }
section.preset { margin: 0 0 28px; }
.by-preset { margin: 0 0 20px; padding-left: 20px; }
.by-preset li { margin: 2px 0; }
.by-preset a { color: inherit; }
.meta { color: var(--muted); margin: 0 0 8px; }
.tag { display: inline-block; font-size: 12px; font-weight: 600; border-radius: 4px; padding: 1px 7px; margin-left: 6px; color: #fff; background: var(--fail); vertical-align: middle; }
.tag.bytes { background: var(--warn); }
ul.problems { margin: 4px 0 12px; padding-left: 20px; }
.images { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.images.compare { flex-wrap: nowrap; }
figure { margin: 0; flex: 0 1 auto; min-width: min(200px, 100%); max-width: 100%; }
.pane { width: fit-content; max-width: 100%; overflow: auto; max-height: 75vh; border: 1px solid var(--line);
  background: repeating-conic-gradient(#e8e8ec 0 25%, #fff 0 50%) 0 0 / 16px 16px; }
.pane img { display: block; max-width: none; height: auto; border: 0; padding: 0; }
.pane img.zoomed { image-rendering: pixelated; }
figcaption { color: var(--muted); margin-top: 4px; font-size: 13px; width: 0; min-width: 100%; }
figcaption b { color: #1f1f1f; }
.zoom { display: inline-block; font-size: 12px; font-weight: 700; border-radius: 4px; padding: 0 6px; margin-right: 4px; color: #fff; background: #3c4043; }
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

// Panes of one row scroll together: the pane being scrolled leads, the others follow, and their own
// scroll events are ignored until it has been still for a moment (no feedback loop).
constexpr std::string_view k_script = R"js(
for (const row of document.querySelectorAll(".compare")) {
  const panes = Array.from(row.querySelectorAll(".pane"));
  let leader = null, timer = 0;
  for (const pane of panes) {
    pane.addEventListener("scroll", () => {
      if (leader !== null && leader !== pane) return;
      leader = pane;
      clearTimeout(timer);
      timer = setTimeout(() => { leader = null; }, 200);
      for (const other of panes) {
        if (other === pane) continue;
        other.scrollLeft = pane.scrollLeft;
        other.scrollTop = pane.scrollTop;
      }
    }, { passive: true });
  }
}
)js";

}  // namespace

std::string page(std::string_view title, std::string_view body) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\">\n<title>{}</title>\n<style>{}</style>\n</head>\n"
      "<body>\n{}<script>{}</script>\n</body>\n</html>\n",
      escape(title), k_style, body, k_script);
}

}  // namespace prerender::report::html
