#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "manifest/manifest.hpp"

namespace prerender::render {

// One rendition or asset failing: a value the engine records, never a reason to stop the others.
class RenderError : public std::runtime_error {
 public:
  explicit RenderError(const std::string& message) : std::runtime_error(message) {}
};

// What the header of a source says, read before anything is decoded.
struct SourceInfo {
  std::string loader;            // libvips loader, e.g. "jpegload_source"
  int width = 0, height = 0;     // upright (EXIF orientation applied), one frame
  int frames = 1;
  std::uint64_t file_bytes = 0;
  bool has_alpha = false;
  bool progressive = false;      // an interlaced JPEG: decoding holds the whole image's coefficients
  bool full_chroma = false;      // a JPEG without chroma subsampling (4:4:4)
  std::string format;            // the family told from the bytes (render/sniff.hpp)
};

// Where a source is probed and decoded: `automatic` puts formats beyond the core ones in a child process.
enum class Isolation { automatic, in_process };

// Reads only the header and refuses, before decoding, what the limits do not allow: a file over
// max_file_bytes, more than max_pixels (all frames counted), more than max_frames, an empty or
// unrecognised file. Throws RenderError with the reason.
// The format, told from the first bytes, must be in limits.formats ("format 'svg' is not allowed ...").
SourceInfo probe_source(const std::filesystem::path& path, const manifest::Limits& limits,
                        Isolation isolation = Isolation::automatic);

}  // namespace prerender::render
