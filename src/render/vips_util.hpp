#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>
#include <vips/vips8>

namespace prerender::util {
class SourceFile;
}

namespace prerender::render {

// One call into libvips on this thread (a probe, a decode, a transform, an encode), whose failure must be
// reported with its own message. libvips keeps one error buffer for the whole process: every thread
// appends to it, nothing empties it but a hand-made clear, and a message left by a call that recovered
// (heifload's "bad seek") stays there for the next failure to read. Construct a VipsCall before the first
// libvips operation of the call, on the thread that makes it; first_line() in its catch then reads only
// lines libvips wrote while this call ran, and not those of another call (render/vips_util.cpp).
class VipsCall {
 public:
  // `names`: what this call's own messages may carry: the source's file name, the format family
  // ("png" matches libvips' "vipspng", "jpeg" matches "VipsJpeg").
  explicit VipsCall(std::vector<std::string> names = {});
  ~VipsCall();
  VipsCall(const VipsCall&) = delete;
  VipsCall& operator=(const VipsCall&) = delete;

  // The first line of this call's own message, or "libvips failed without a message".
  std::string reason(const vips::VError& error) const;

 private:
  std::uint64_t m_start = 0;
  std::vector<std::string> m_names;  // lower case
};

// The first line of this call's libvips error, without the trailing newline; for the catch of the
// failure. Read through the innermost VipsCall of this thread (without one: any unclaimed line).
std::string first_line(const vips::VError& error);

// Records a libvips warning for the calls in progress: a codec's reason sometimes comes only as a
// warning (libpng's "IDAT: CRC error") before a generic error line. Called by the runtime's log handler.
void note_libvips_warning(std::string_view message);

// The bytes of a blob a libvips saver returned, the blob released.
std::string to_string(VipsBlob* blob);

// Stops the evaluation of `image` (its pixels being computed: a decode, a transform, an encode) once
// `seconds` have passed from now, through libvips' kill flag. 0: no limit.
void stop_after(vips::VImage& image, double seconds);

// The message for a computation stopped by stop_after, or `message` for any other failure.
std::string killed_or(const std::string& message, double seconds);

// A libvips source that reads `file` (render/source.hpp) from its start, on a descriptor of its own.
// Throws RenderError when none can be made.
vips::VSource source_of(const util::SourceFile& file);

}  // namespace prerender::render
