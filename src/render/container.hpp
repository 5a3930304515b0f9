#pragma once

#include <string>

namespace prerender::render {

// `bytes` without the EXIF a saver wrote on its own: the APP1 Exif segments of a JPEG, the EXIF chunk
// of a WebP (and its VP8X flag). Any other file is returned unchanged. For savers that make up an EXIF
// block when the image has none (render/encode.cpp says which).
std::string without_exif(std::string bytes);

}  // namespace prerender::render
