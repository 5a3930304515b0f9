#include "render/vips_util.hpp"

namespace prerender::render {

std::string first_line(const vips::VError& error) {
  std::string text = error.what();
  const auto newline = text.find('\n');
  if (newline != std::string::npos) text.erase(newline);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.pop_back();
  return text.empty() ? "libvips failed without a message" : text;
}

}  // namespace prerender::render
