#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "manifest/manifest.hpp"
#include "render/error.hpp"
#include "util/source_file.hpp"

namespace prerender::render {

// What the header of a source says, read before anything is decoded.
struct SourceInfo {
  std::string loader;         // libvips loader, e.g. "jpegload_source"
  int width = 0, height = 0;  // upright (EXIF orientation applied), one frame
  int frames = 1;
  std::uint64_t file_bytes = 0;
  bool has_alpha = false;
  bool progressive = false;  // an interlaced JPEG: decoding holds the whole image's coefficients
  bool full_chroma = false;  // a JPEG without chroma subsampling (4:4:4)
  std::string format;        // the family told from the bytes (render/sniff.hpp)
};

// Where a source is probed and decoded: `automatic` puts formats beyond the core ones in a child process.
enum class Isolation { automatic, in_process };

// A source opened once: its hash, its probe and its decodes all read this descriptor, so a file put in
// its place meanwhile is never read.
using SourceHandle = std::shared_ptr<const util::SourceFile>;

// Opens `path` without following a final link and without waiting (a FIFO would block the open), and
// keeps it only when it is a regular file. Throws RenderError: "the source is a symbolic link; sources are
// read only from regular files", "source does not exist or is not a file: <path>", "the source is a FIFO, not a
// regular file" (a directory, a device...), "cannot read the source: <reason>".
SourceHandle open_source(const std::filesystem::path& path);

// The source's content hash, refused before reading when it is over limits.max_file_bytes, stopped
// after limits.max_seconds of reading and when `stop` holds a signal. Throws util::Interrupted for the
// signal, RenderError for the rest (also when the file changes while it is read).
std::string hash_source(const util::SourceFile& file, const manifest::Limits& limits, const std::atomic<int>* stop);

// Reads only the header and refuses, before decoding, what the limits do not allow: a file over
// max_file_bytes, more than max_pixels (all frames counted), more than max_frames, an empty or
// unrecognised file. Throws RenderError with the reason.
// The format, told from the first bytes, must be in limits.formats ("format 'svg' is not allowed ...").
SourceInfo probe_source(const util::SourceFile& file, const manifest::Limits& limits,
                        Isolation isolation = Isolation::automatic);
// The same of the file at `path`, opened with open_source().
SourceInfo probe_source(const std::filesystem::path& path, const manifest::Limits& limits,
                        Isolation isolation = Isolation::automatic);

}  // namespace prerender::render
