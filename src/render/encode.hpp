#pragma once

#include <cstdint>
#include <string>
#include <vips/vips8>

#include "presets/format_defaults.hpp"
#include "presets/preset.hpp"

namespace prerender::render {

// A saver's options that keep the ICC profile and the EXIF block only as asked, and no other metadata:
// the one place that knows how this libvips spells it ("strip" before 8.15, "keep" since).
vips::VOption* metadata_options(bool icc, bool exif);

// Encodes to bytes with every encoder option set explicitly from `settings`; metadata is stripped except
// what `keep` names. Throws RenderError.
std::string encode(const vips::VImage& image, const presets::EncodeSettings& settings, const presets::Keep& keep);

struct Budgeted {
  std::string bytes;
  int quality = 0;  // the quality the bytes were encoded with
  int encodes = 0;  // how many encodes it took
};

// Encodes at the settings' quality, or, with a byte budget, at the highest quality whose output fits:
// a bisection over quality with at most 8 encodes. Throws RenderError naming the smallest size reached
// when even quality 1 does not fit.
Budgeted encode_within(const vips::VImage& image, presets::EncodeSettings settings, const presets::Keep& keep,
                       std::optional<std::uint64_t> max_bytes);

}  // namespace prerender::render
