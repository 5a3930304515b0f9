#pragma once

#include <string>
#include <vips/vips8>

namespace prerender::render {

// The first line of a libvips error, without the trailing newline. The libvips error buffer is shared by
// all threads, so messages are taken from the exception at the call, never from the buffer later.
std::string first_line(const vips::VError& error);

// Stops the evaluation of `image` (its pixels being computed: a decode, a transform, an encode) once
// `seconds` have passed from now, through libvips' kill flag. 0: no limit.
void stop_after(vips::VImage& image, double seconds);

// The message for a computation stopped by stop_after, or `message` for any other failure.
std::string killed_or(const std::string& message, double seconds);

}  // namespace prerender::render
