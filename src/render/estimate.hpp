#pragma once

#include <cstdint>
#include <vector>

#include "render/master.hpp"
#include "render/source.hpp"

namespace prerender::render {

// The memory an asset's work is estimated to need at its peak, in bytes: the decoded image at its
// shrink-on-load scale, what the loader holds while decoding (a progressive JPEG's whole-image
// coefficients, HEIF/AVIF and GIF full frames), the largest rendition's transformed pixels and encoder
// state, and a constant for libvips' own buffers. Deliberately on the high side: the engine admits
// assets only while the sum of their estimates fits the budget.
std::uint64_t estimate_working_set(const SourceInfo& info, const std::vector<RenditionRequest>& requests);

}  // namespace prerender::render
