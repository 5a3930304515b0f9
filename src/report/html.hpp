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

// An <img> of the image, shown at least `min_width` CSS pixels wide: a small image is scaled up by a
// whole factor, pixelated, so that single-pixel changes stay visible. `width` is the image's own width.
std::string img(const ShownImage& image, int width, std::string_view alt, int min_width = 240);

// A complete page: doctype, charset, the shared style sheet, `title` and `body`.
std::string page(std::string_view title, std::string_view body);

}  // namespace prerender::report::html
