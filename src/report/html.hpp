#pragma once

#include <string>
#include <string_view>

#include "report/check_result.hpp"

namespace prerender::report::html {

// Text made safe for HTML and XML content and attribute values; control characters XML 1.0 forbids
// become U+FFFD.
std::string escape(std::string_view text);

// A data: URI with the image inside, so that a page is one self-contained file.
std::string data_uri(const ShownImage& image);

// The whole factor an image `width` pixels wide is shown at: 4 under 80 pixels, 2 under 160, else 1, so
// that single pixels of icons and thumbnails stay visible. 1 when the width is unknown (0).
int zoom_for(int width);

// An <img> of the image at `zoom` CSS pixels per image pixel (pixelated when over 1), inside a "pane"
// that scrolls when the image is wider or taller than the room it has: a large image is never shrunk.
// `width` is the image's own width (0 when unknown: the browser shows it at its natural size, zoom 1).
// The <img> carries data-zoom, so a test can compare its rendered width with its natural one.
std::string pane(const ShownImage& image, int width, std::string_view alt, int zoom);

// A visible "x4" badge for a zoomed image; empty at zoom 1.
std::string zoom_label(int zoom);

// A complete page: doctype, charset, the shared style sheet, `title` and `body`, and a script that
// scrolls the panes of one ".compare" row together (reference, new output, heat map). Nothing external.
std::string page(std::string_view title, std::string_view body);

}  // namespace prerender::report::html
