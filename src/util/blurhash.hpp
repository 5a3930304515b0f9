#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace prerender::util {

// The BlurHash (blurha.sh) of an 8-bit RGB image given as packed rows, with `x` by `y` components
// (1..9 each). A compact placeholder string pages can decode into a blurred preview.
std::string blurhash(std::span<const std::uint8_t> rgb, int width, int height, int x = 4, int y = 3);

// WCAG 2 contrast ratio between two sRGB colours (1 to 21).
double contrast_ratio(std::uint8_t r1, std::uint8_t g1, std::uint8_t b1, std::uint8_t r2, std::uint8_t g2,
                      std::uint8_t b2);

}  // namespace prerender::util
