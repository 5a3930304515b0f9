#pragma once

#include <string>
#include <vips/vips8>

namespace prerender::render {

// The first line of a libvips error, without the trailing newline. The libvips error buffer is shared by
// all threads, so messages are taken from the exception at the call, never from the buffer later.
std::string first_line(const vips::VError& error);

}  // namespace prerender::render
