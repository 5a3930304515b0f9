#include "render/vips_util.hpp"

#include <chrono>
#include <fmt/format.h>

namespace prerender::render {

std::string first_line(const vips::VError& error) {
  std::string text = error.what();
  const auto newline = text.find('\n');
  if (newline != std::string::npos) text.erase(newline);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.pop_back();
  return text.empty() ? "libvips failed without a message" : text;
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
