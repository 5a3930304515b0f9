#pragma once

#include <stdexcept>
#include <string>

namespace prerender::render {

// One rendition or asset failing: a value the engine records, never a reason to stop the others.
class RenderError : public std::runtime_error {
 public:
  explicit RenderError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace prerender::render
