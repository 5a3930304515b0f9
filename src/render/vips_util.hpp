#pragma once

#include <string>
#include <vips/vips8>

namespace prerender::render {

// The first line of a libvips error, without the trailing newline; for the catch of the failure.
// The libvips error buffer is one for all threads and is only emptied by hand: the exception holds a
// copy of it, and this empties it, so that the next failure does not report this one's message first.
std::string first_line(const vips::VError& error);

// The bytes of a blob a libvips saver returned, the blob released.
std::string to_string(VipsBlob* blob);

// Stops the evaluation of `image` (its pixels being computed: a decode, a transform, an encode) once
// `seconds` have passed from now, through libvips' kill flag. 0: no limit.
void stop_after(vips::VImage& image, double seconds);

// The message for a computation stopped by stop_after, or `message` for any other failure.
std::string killed_or(const std::string& message, double seconds);

}  // namespace prerender::render
