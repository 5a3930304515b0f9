#pragma once

#include <optional>
#include <string_view>

namespace prerender::render {

// The quality (1-100) a JPEG was encoded at, read from its quantization tables: the value whose
// libjpeg scaling (jpeg_set_quality, baseline) of the standard tables of ITU-T T.81 Annex K gives
// exactly the tables the file holds. nullopt when the bytes are not a JPEG, hold other tables (another
// encoder, a custom table) or more than one quality fits: a JPEG does not record its quality, so
// anything short of an exact match would be a guess.
std::optional<int> jpeg_quality(std::string_view bytes);

}  // namespace prerender::render
