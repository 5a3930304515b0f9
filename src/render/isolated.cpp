#include "render/isolated.hpp"

#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <memory>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "render/runtime.hpp"
#include "render/vips_util.hpp"
#include "util/subprocess.hpp"

namespace prerender::render {
namespace fs = std::filesystem;
namespace {

std::string child_binary() {
  if (const char* env = std::getenv("PRERENDER_CHILD")) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("prerender") : exe.string();
}

nlohmann::json limits_json(const manifest::Limits& l) {
  return {{"max_pixels", l.max_pixels},
          {"max_file_bytes", l.max_file_bytes},
          {"max_frames", l.max_frames},
          {"allow_untrusted", l.allow_untrusted},
          {"formats", l.formats},
          {"max_seconds", l.max_seconds},
          {"decoder_memory_bytes", l.decoder_memory_bytes}};
}

manifest::Limits limits_from(const nlohmann::json& j) {
  manifest::Limits l;
  l.max_pixels = j.at("max_pixels").get<std::uint64_t>();
  l.max_file_bytes = j.at("max_file_bytes").get<std::uint64_t>();
  l.max_frames = j.at("max_frames").get<int>();
  l.allow_untrusted = j.at("allow_untrusted").get<bool>();
  l.formats = j.at("formats").get<std::vector<std::string>>();
  l.max_seconds = j.at("max_seconds").get<double>();
  l.decoder_memory_bytes = j.at("decoder_memory_bytes").get<std::uint64_t>();
  return l;
}

nlohmann::json info_json(const SourceInfo& i) {
  return {{"loader", i.loader},
          {"width", i.width},
          {"height", i.height},
          {"frames", i.frames},
          {"file_bytes", i.file_bytes},
          {"has_alpha", i.has_alpha},
          {"progressive", i.progressive},
          {"full_chroma", i.full_chroma},
          {"format", i.format}};
}

SourceInfo info_from(const nlohmann::json& j) {
  SourceInfo i;
  i.loader = j.at("loader").get<std::string>();
  i.width = j.at("width").get<int>();
  i.height = j.at("height").get<int>();
  i.frames = j.at("frames").get<int>();
  i.file_bytes = j.at("file_bytes").get<std::uint64_t>();
  i.has_alpha = j.at("has_alpha").get<bool>();
  i.progressive = j.at("progressive").get<bool>();
  i.full_chroma = j.at("full_chroma").get<bool>();
  i.format = j.at("format").get<std::string>();
  return i;
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool k_address_sanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool k_address_sanitizer = true;
#else
constexpr bool k_address_sanitizer = false;
#endif
#else
constexpr bool k_address_sanitizer = false;
#endif

// Whether a failed child's last words (its stderr, or its own error) say an allocation was refused: Rust
// (librsvg) aborts with "memory allocation of N bytes failed", glib with "failed to allocate N bytes",
// libvips and C libraries report "out of memory" or ENOMEM's text.
bool says_out_of_memory(std::string_view text) {
  for (std::string_view needle : {"memory allocation of", "failed to allocate", "out of memory", "Out of memory",
                                  "Cannot allocate memory", "std::bad_alloc"})
    if (text.find(needle) != std::string_view::npos) return true;
  return false;
}

std::string memory_cap_reason(std::uint64_t cap) {
  return fmt::format(
      "the decoder ran out of its memory cap of {} MiB (the run's memory budget, --memory) and was stopped", cap >> 20);
}

// Runs the child and returns its answer; throws RenderError on a crash, a timeout or a reported error.
nlohmann::json run_child(const std::vector<std::string>& args, const manifest::Limits& limits, const fs::path& source) {
  const double max_seconds = limits.max_seconds;
  std::vector<std::string> argv{child_binary(), "__child"};
  argv.insert(argv.end(), args.begin(), args.end());
  util::Captured child;
  try {
    // A crashing codec's own complaints ("free(): invalid next size") would only confuse the log: its
    // stderr is read, never printed, only to tell an allocation refused under the memory cap from a crash.
    child = util::run_captured(argv, max_seconds > 0 ? max_seconds : 3600);
  } catch (const std::runtime_error& e) {
    throw RenderError(fmt::format("cannot start a decoder process ({}): {}", argv[0], e.what()));
  }
  const std::string& text = child.out;
  const std::string& last_words = child.last_words;
  const int status = child.status;
  if (child.timed_out)
    throw RenderError(
        fmt::format("decoding took longer than limits.max_seconds ({:g} s) and was stopped", max_seconds));
  const bool capped = limits.decoder_memory_bytes > 0 && !k_address_sanitizer;
  nlohmann::json answer;
  try {
    answer = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    if (capped && says_out_of_memory(last_words)) throw RenderError(memory_cap_reason(limits.decoder_memory_bytes));
    if (WIFSIGNALED(status))
      throw RenderError(fmt::format("the decoder crashed on this file (signal {}: {})", WTERMSIG(status),
                                    strsignal(WTERMSIG(status))));
    throw RenderError(fmt::format("the decoder process failed on {} (exit {})", source.filename().string(),
                                  WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  }
  if (answer.contains("error")) {
    const std::string error = answer["error"].get<std::string>();
    if (capped && (says_out_of_memory(error) || says_out_of_memory(last_words)))
      throw RenderError(memory_cap_reason(limits.decoder_memory_bytes));
    throw RenderError(error);
  }
  return answer;
}

// In the child, before it reads the source: no decoder may grow past the run's budget, so a file that
// makes a codec allocate without bound fails alone instead of the kernel killing the whole job.
// RLIMIT_DATA, not RLIMIT_AS: it counts the heap and private writable mappings (what a runaway decoder
// grows), not the shared libraries, thread stacks and reserved-but-untouched address space (glibc
// reserves 64 MiB per malloc arena) that RLIMIT_AS would also charge. Measured on a 11 KB .svgz of
// 1.1M elements under a 256 MiB cap: peak RSS 292 MB with RLIMIT_DATA, 150 MB with RLIMIT_AS (which
// spends the cap on address space); 1.26 GB without a cap.
// Set here rather than between fork and exec: posix_spawn (cheap in a parent of hundreds of MiB, and
// safe with the parent's threads) has no rlimit attribute, and nothing of the source is read before.
// AddressSanitizer reserves terabytes of shadow memory before main: any cap would fail the first
// allocation, so such builds run uncapped.
void cap_memory(std::uint64_t bytes) {
  if (bytes == 0 || k_address_sanitizer) return;
  const rlimit limit{static_cast<rlim_t>(bytes), static_cast<rlim_t>(bytes)};
  if (::setrlimit(RLIMIT_DATA, &limit) != 0)
    throw RenderError(fmt::format("cannot cap the decoder's memory: {}", std::strerror(errno)));
}

// The source at `path`, when it is the file the parent opened: what the parent probed is what this
// process reads, or nothing is read.
SourceHandle open_same_source(const std::string& path, const util::FileIdentity& expected) {
  SourceHandle file = open_source(path);
  if (file->identity() != expected)
    throw RenderError("the source changed since it was probed (another file, or new contents, at its path); refused");
  return file;
}

}  // namespace

SourceInfo probe_in_child(const util::SourceFile& file, const manifest::Limits& limits) {
  const fs::path& path = file.path();
  return info_from(
      run_child({"probe", path.string(), limits_json(limits).dump(), file.identity().to_string()}, limits, path));
}

Master decode_in_child(const util::SourceFile& file, const SourceInfo& info, int level, int frames,
                       const manifest::Limits& limits) {
  const fs::path& path = file.path();
  char pattern[] = "/tmp/prerender-decode-XXXXXX";
  const int fd = ::mkostemp(pattern, O_CLOEXEC);
  if (fd < 0) throw RenderError(fmt::format("cannot create a temporary file: {}", std::strerror(errno)));
  ::close(fd);
  const std::string raw = pattern;
  struct Remove {
    std::string path;
    ~Remove() { ::unlink(path.c_str()); }
  } remove{raw};
  const nlohmann::json answer =
      run_child({"decode", path.string(), limits_json(limits).dump(), file.identity().to_string(),
                 info_json(info).dump(), std::to_string(level), std::to_string(frames), raw},
                limits, path);
  Master master;
  master.info = info;
  // Raw 8-bit pixels: nothing of the child's output is parsed as an image format.
  const int width = answer.at("width").get<int>(), height = answer.at("height").get<int>(),
            bands = answer.at("bands").get<int>();
  std::string pixels;
  {
    std::ifstream in(raw, std::ios::binary);
    pixels.assign(std::istreambuf_iterator<char>(in), {});
  }
  if (pixels.size() != static_cast<std::size_t>(width) * height * bands)
    throw RenderError("the decoder process returned a short image");
  const VipsCall call;
  try {
    master.image = vips::VImage::new_from_memory(pixels.data(), pixels.size(), width, height, bands, VIPS_FORMAT_UCHAR)
                       .copy(vips::VImage::option()->set(
                           "interpretation", bands <= 2 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB))
                       .copy_memory();  // owns its pixels before `pixels` goes
  } catch (const vips::VError& e) {
    throw RenderError("cannot take the decoder's output: " + first_line(e));
  }
  master.frames = answer.at("frames").get<int>();
  master.page_height = answer.at("page_height").get<int>();
  master.level = level;
  master.scale = static_cast<double>(width) / info.width;
  master.window = Window::whole(master.frame_size());  // halved by Lanczos-3 in the child: exact
  return master;
}

int child_main(const std::vector<std::string>& args) {
  nlohmann::json answer;
  try {
    if (args.size() < 4) throw RenderError("usage: __child probe|decode SOURCE LIMITS IDENTITY ...");
    const manifest::Limits limits = limits_from(nlohmann::json::parse(args[2]));
    cap_memory(limits.decoder_memory_bytes);
    allow_untrusted_loaders(limits.allow_untrusted);
    allow_formats(limits.formats);
    const SourceHandle file = open_same_source(args[1], util::FileIdentity::parse(args[3]));
    if (args[0] == "probe") {
      answer = info_json(probe_source(*file, limits, Isolation::in_process));
    } else if (args[0] == "decode" && args.size() == 8) {
      const SourceInfo info = info_from(nlohmann::json::parse(args[4]));
      const Master master =
          decode_levels(*file, info,
                        Decode{decode_base(info, std::stoi(args[5])), std::stoi(args[6]), {std::stoi(args[5])}, {}},
                        limits, Isolation::in_process)
              .front();
      std::size_t size = 0;
      std::unique_ptr<void, decltype(&g_free)> pixels(master.image.write_to_memory(&size), &g_free);
      std::ofstream out(args[7], std::ios::binary);
      out.write(static_cast<const char*>(pixels.get()), static_cast<std::streamsize>(size));
      if (!out) throw RenderError("cannot write the decoded pixels");
      answer = {{"frames", master.frames},
                {"page_height", master.page_height},
                {"width", master.image.width()},
                {"height", master.image.height()},
                {"bands", master.image.bands()}};
    } else {
      throw RenderError("unknown child request");
    }
  } catch (const std::bad_alloc&) {
    answer = {{"error", "out of memory"}};
  } catch (const std::exception& e) {
    answer = {{"error", e.what()}};
  }
  const std::string text = answer.dump();
  return ::write(STDOUT_FILENO, text.data(), text.size()) == static_cast<ssize_t>(text.size()) ? 0 : 1;
}

}  // namespace prerender::render
