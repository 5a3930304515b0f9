#include "report/preview.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

#include "report/html.hpp"
#include "report/quality_stats.hpp"
#include "util/units.hpp"

namespace prerender::report {
namespace {

// A colour from the journal, only ever "#" and hex digits, so it can go into a style attribute.
bool is_hex_colour(const std::string& text) {
  return (text.size() == 7 || text.size() == 9) && text[0] == '#' &&
         std::all_of(text.begin() + 1, text.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

std::string rendition_figure(const PreviewRendition& r) {
  using html::escape;
  std::string caption = fmt::format("<b>{}</b> · {}", escape(r.preset), escape(r.format));
  if (r.dpr != 1) caption += fmt::format(" · {}x", r.dpr);
  std::string picture, zoom;
  switch (r.state) {
    case PreviewRendition::State::shown:
      caption += fmt::format(" · {}x{} · {}", r.width, r.height, util::format_size(r.bytes));
      if (r.format != "png" && r.format != "gif") caption += fmt::format(" · quality {}", r.quality);
      caption += auto_quality_note(r.score, r.full_chroma);
      if (r.image && r.image->mime == "image/png" && r.format != "png") caption += " · shown as PNG";
      if (r.image) {
        picture = html::pane(*r.image, r.width, r.path, html::zoom_for(r.width));
        zoom = html::zoom_label(html::zoom_for(r.width));
      } else {
        picture = fmt::format("<div class=\"missing\">{}</div>", escape(r.error));
      }
      break;
    case PreviewRendition::State::failed:
      picture = fmt::format("<div class=\"missing\">failed: {}</div>", escape(r.error));
      break;
    case PreviewRendition::State::not_rendered: picture = "<div class=\"missing\">not rendered yet</div>"; break;
  }
  return fmt::format("<figure>{}<figcaption>{}{}<br><code>{}</code></figcaption></figure>\n", picture, zoom, caption,
                     escape(r.path));
}

}  // namespace

std::string preview_html(const Preview& preview) {
  using html::escape;
  std::size_t renditions = 0, shown = 0;
  for (const PreviewAsset& a : preview.assets) {
    renditions += a.renditions.size();
    shown += static_cast<std::size_t>(std::count_if(a.renditions.begin(), a.renditions.end(),
                                                    [](const PreviewRendition& r) { return r.image.has_value(); }));
  }
  std::string body = fmt::format(
      "<header>\n<h1>{} asset{}, {} renditions</h1>\n<p>manifest <code>{}</code> · images from <code>{}</code> · {} "
      "shown</p>\n"
      "<p>prerender {} · libvips {}</p>\n</header>\n<main>\n",
      preview.assets.size(), preview.assets.size() == 1 ? "" : "s", renditions, escape(preview.manifest),
      escape(preview.origin), shown, escape(preview.renderer_version), escape(preview.libvips_version));
  body +=
      "<p class=\"note\">Images at their own size (one image pixel per CSS pixel; on a HiDPI screen zoom the page out "
      "to see "
      "device pixels), small ones enlarged by the factor on their badge; a large image scrolls.</p>\n";
  for (const PreviewAsset& a : preview.assets) {
    std::string swatch;
    if (is_hex_colour(a.dominant_color))
      swatch = fmt::format(" <span class=\"swatch\" style=\"background:{}\" title=\"dominant colour {}\"></span>",
                           a.dominant_color, a.dominant_color);
    std::string meta = fmt::format("source <code>{}</code>", escape(a.source));
    if (a.source_width > 0) meta += fmt::format(" · {}x{}", a.source_width, a.source_height);
    if (is_hex_colour(a.dominant_color))
      meta += fmt::format(" · dominant {} · text {}", a.dominant_color, escape(a.text_color));
    std::string figures;
    for (const PreviewRendition& r : a.renditions) figures += rendition_figure(r);
    body += fmt::format(
        "<section class=\"asset\">\n<h2><code>{}</code>{}</h2>\n<p class=\"meta\">{}</p>\n<div "
        "class=\"images\">\n{}</div>\n</section>\n",
        escape(a.id), swatch, meta, figures);
  }
  body += "</main>\n";
  return html::page(fmt::format("prerender preview: {}", preview.manifest), body);
}

}  // namespace prerender::report
