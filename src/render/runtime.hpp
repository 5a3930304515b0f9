#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace prerender::render {

// libvips for the whole process: initialised once, single-threaded (parallelism belongs to the task
// graph), operation cache off (a batch never reuses an operation; the cache only holds memory), loaders
// libvips marks untrusted blocked, warnings routed to `on_warning`. Shut down in the destructor.
// Throws util::FatalError when libvips cannot start.
class VipsRuntime {
 public:
  using WarningSink = std::function<void(std::string_view domain, std::string_view message)>;

  explicit VipsRuntime(const char* argv0, WarningSink on_warning = {});
  ~VipsRuntime();
  VipsRuntime(const VipsRuntime&) = delete;
  VipsRuntime& operator=(const VipsRuntime&) = delete;

  // Allows the savers libvips marks untrusted but that only encode our own pixels (JPEG XL).
  static void unblock_savers();

  // Replaces where warnings go (tests count them).
  void set_warning_sink(WarningSink sink);
  // Delivers one warning to the sink (or stderr when there is none).
  void warn(std::string_view domain, std::string_view message);

 private:
  // Throws util::FatalError when this libvips cannot read EXIF orientation (built without libexif).
  static void require_exif_orientation();

  std::mutex m_mutex;
  WarningSink m_sink;  // guarded by m_mutex: libvips warns from any thread
  unsigned m_handler = 0;
};

// Loaders libvips marks untrusted (ImageMagick, PDF, ...) are blocked unless a manifest opts in with
// limits.allow_untrusted; process-wide.
void allow_untrusted_loaders(bool allow);

// Unblocks the libvips loaders of the opt-in families listed (jxl, svg, jp2k, pdf); they are only ever
// used in a child process (render/isolated.hpp).
void allow_formats(const std::vector<std::string>& families);

// Frees libvips' per-thread state; for worker threads as they leave.
void release_thread();

// "8.14.1".
std::string libvips_version();

// The output formats (preset names) this libvips can write.
std::vector<std::string> writable_formats();

}  // namespace prerender::render
