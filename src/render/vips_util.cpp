#include "render/vips_util.hpp"

#include <chrono>
#include <memory>
#include <fmt/format.h>

namespace prerender::render {

namespace {

// Empties the libvips error buffer of what `taken` holds, keeping the lines other threads added since
// (their own catch has yet to read them). libvips has no call for that, so the rest is appended again.
void consume_errors(const std::string& taken) {
  const std::string now = vips_error_buffer();
  vips_error_clear();
  if (now.size() <= taken.size() || now.compare(0, taken.size(), taken) != 0) return;
  std::size_t at = taken.size();
  while (at < now.size()) {
    std::size_t end = now.find('\n', at);
    if (end == std::string::npos) end = now.size();
    const std::string line = now.substr(at, end - at);
    const std::size_t colon = line.find(": ");
    if (colon == std::string::npos) vips_error("vips", "%s", line.c_str());
    else vips_error(line.substr(0, colon).c_str(), "%s", line.substr(colon + 2).c_str());
    at = end + 1;
  }
}

}  // namespace

std::string first_line(const vips::VError& error) {
  consume_errors(error.what());
  std::string text = error.what();
  const auto newline = text.find('\n');
  if (newline != std::string::npos) text.erase(newline);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.pop_back();
  return text.empty() ? "libvips failed without a message" : text;
}

std::string to_string(VipsBlob* blob) {
  auto unref = [](VipsBlob* b) { vips_area_unref(VIPS_AREA(b)); };
  std::unique_ptr<VipsBlob, decltype(unref)> owned(blob, unref);
  std::size_t size = 0;
  const void* data = vips_blob_get(blob, &size);
  return std::string(static_cast<const char*>(data), size);
}

namespace {

struct Deadline {
  std::chrono::steady_clock::time_point at;
};

void on_eval(VipsImage* image, VipsProgress*, gpointer data) {
  if (std::chrono::steady_clock::now() > static_cast<Deadline*>(data)->at) vips_image_set_kill(image, TRUE);
}

}  // namespace

void stop_after(vips::VImage& image, double seconds) {
  if (seconds <= 0) return;
  auto* deadline = new Deadline{std::chrono::steady_clock::now() +
                                std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds))};
  vips_image_set_progress(image.get_image(), TRUE);
  g_signal_connect_data(image.get_image(), "eval", G_CALLBACK(on_eval), deadline,
                        [](gpointer data, GClosure*) { delete static_cast<Deadline*>(data); }, GConnectFlags{});
}

std::string killed_or(const std::string& message, double seconds) {
  if (message.find("killed") != std::string::npos)
    return fmt::format("stopped after limits.max_seconds ({:g} s)", seconds);
  return message;
}

}  // namespace prerender::render
