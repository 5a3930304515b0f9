#include "render/master.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <vector>

#include "presets/format_defaults.hpp"
#include "render/isolated.hpp"
#include "render/resample.hpp"
#include "render/sniff.hpp"
#include "render/vips_util.hpp"

namespace prerender::render {

Size effective_source(Size upright, const presets::Preset& preset, std::optional<std::pair<double, double>> focus) {
  Size size = upright;
  if (preset.crop && preset.crop->region) {
    const presets::Region& r = *preset.crop->region;
    size = {std::max(1, static_cast<int>(std::lround(r.width * upright.width))),
            std::max(1, static_cast<int>(std::lround(r.height * upright.height)))};
  } else if (preset.crop && preset.crop->aspect) {
    const Box box = aspect_crop(upright, *preset.crop->aspect, preset.resize.gravity, focus);
    size = {box.width, box.height};
  }
  if (preset.rotate == 90 || preset.rotate == 270) std::swap(size.width, size.height);
  return size;
}

namespace {

// Levels stop at the half size. Halving again and again (a pyramid, each rendition resized by less than
// two from the nearest level) was measured further from an exact resize than one resize from the half
// size: mean absolute difference to a float Lanczos-3 of the full source 0.51 against 0.31 levels for
// a 1280-wide rendition of a 5312-wide photo, 0.53 against 0.41 for a 640-wide one of a 6028-wide one;
// and one Lanczos-3 pass over the half size costs a few milliseconds, little beside any encode.
constexpr int k_max_level = 1;

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_jpeg(const SourceInfo& info) { return starts_with(info.loader, "jpegload"); }

int halved(int side) { return std::max(1, (side + 1) / 2); }

}  // namespace

Size level_size(const SourceInfo& info, int level) {
  Size size{info.width, info.height};
  for (int i = 0; i < level; ++i) size = {halved(size.width), halved(size.height)};
  return size;
}

int decode_base(const SourceInfo& info, int level) { return is_jpeg(info) && level >= 1 ? 1 : 0; }

int decode_level(const SourceInfo& info, const RenditionRequest& request) {
  const presets::Preset& p = *request.preset;
  if (p.trim) return 0;  // the trimmed content is only known on the full-size decode
  const Size source = effective_source({info.width, info.height}, p, std::nullopt);
  const ResizePlan plan = plan_resize(source, device_pixels(p.resize.width, request.dpr),
                                      device_pixels(p.resize.height, request.dpr), p.resize.fit, p.resize.enlarge);
  const double scale = needed_scale(plan);
  const double width = scale * info.width - 1e-9, height = scale * info.height - 1e-9;
  int level = 0;
  while (level < k_max_level) {
    const Size next = level_size(info, level + 1);
    if (next.width < width || next.height < height || (next.width == 1 && next.height == 1)) break;
    ++level;
  }
  return level;
}

int frames_for(const SourceInfo& info, const RenditionRequest& request) {
  if (request.preset->animation == presets::Animation::keep && presets::traits(request.format).can_animate)
    return std::max(1, std::min(info.frames, request.preset->max_frames));
  return 1;
}

int metadata_level(const SourceInfo& info) {
  int level = 0;
  while (level < k_max_level) {
    const Size next = level_size(info, level + 1);
    if (std::max(next.width, next.height) < 64) break;
    ++level;
  }
  return level;
}

std::vector<Decode> plan_decodes(const SourceInfo& info, const std::vector<RenditionRequest>& requests) {
  std::vector<Decode> out;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const int level = decode_level(info, requests[i]);
    const int base = decode_base(info, level), frames = frames_for(info, requests[i]);
    auto found =
        std::find_if(out.begin(), out.end(), [&](const Decode& d) { return d.base == base && d.frames == frames; });
    if (found == out.end()) found = out.insert(out.end(), Decode{base, frames, {}, {}});
    if (std::find(found->levels.begin(), found->levels.end(), level) == found->levels.end())
      found->levels.push_back(level);
    found->requests.push_back(i);
  }
  for (Decode& d : out) std::sort(d.levels.begin(), d.levels.end());
  std::sort(out.begin(), out.end(),
            [](const Decode& a, const Decode& b) { return std::pair(a.base, a.frames) < std::pair(b.base, b.frames); });
  return out;
}

namespace {

// Decodes in stored orientation, shrunk on load by 2 for a JPEG's levels above 0 (sequential: rotating
// needs random access, so it happens once the pixels are in memory).
vips::VImage load(const util::SourceFile& file, const SourceInfo& info, int base, int frames) {
  // The loader is the one the probe chose and the limits allowed, or nothing is decoded: bytes changed in
  // place since the probe would otherwise reach a loader never checked ("jpegload" and "jpegload_source"
  // are one decoder, from a file or a source).
  vips::VSource source = source_of(file);
  const char* found = vips_foreign_find_load_source(source.get_source());  // a type name: VipsForeignLoadJpegSource
  const char* nickname = found ? vips_nickname_find(g_type_from_name(found)) : nullptr;
  const std::string now = nickname ? nickname : "";
  auto decoder = [](std::string loader) {
    return ends_with(loader, "_source") ? loader.substr(0, loader.size() - 7) : loader;
  };
  if (decoder(now) != decoder(info.loader))
    throw RenderError(
        fmt::format("the source now loads with {}, not {} as probed: it changed since it was probed; refused",
                    now.empty() ? "no loader" : now, info.loader));
  // The probe's loader itself, called by name: libvips does not choose again.
  vips::VSource fresh = source_of(file);
  vips::VImage image;
  auto* options = vips::VImage::option()
                      ->set("source", fresh)
                      ->set("out", &image)
                      ->set("access", VIPS_ACCESS_SEQUENTIAL)
                      ->set("fail_on", VIPS_FAIL_ON_WARNING);
  if (info.frames > 1) options->set("n", frames);
  if (is_jpeg(info)) options->set("shrink", base >= 1 ? 2 : 1);
  vips::VImage::call(now.c_str(), options);
  return image;
}

// To 8-bit sRGB (or grey): embedded profiles honoured, CMYK without one through libvips' fallback CMYK
// profile, 16-bit and other spaces converted.
vips::VImage to_srgb(vips::VImage image) {
  const VipsInterpretation interpretation = image.interpretation();
  const bool grey = interpretation == VIPS_INTERPRETATION_B_W || interpretation == VIPS_INTERPRETATION_GREY16;
  if (image.get_typeof(VIPS_META_ICC_NAME) != 0) {
    image = image.icc_transform(
        "srgb", vips::VImage::option()
                    ->set("embedded", true)
                    ->set("intent", VIPS_INTENT_RELATIVE)
                    ->set("input_profile", interpretation == VIPS_INTERPRETATION_CMYK ? "cmyk" : "srgb"));
  } else if (interpretation == VIPS_INTERPRETATION_CMYK) {
    image = image.icc_transform(
        "srgb", vips::VImage::option()->set("input_profile", "cmyk")->set("intent", VIPS_INTENT_RELATIVE));
  } else if (grey) {
    if (interpretation != VIPS_INTERPRETATION_B_W || image.format() != VIPS_FORMAT_UCHAR)
      image = image.colourspace(VIPS_INTERPRETATION_B_W);
  } else if (interpretation != VIPS_INTERPRETATION_sRGB || image.format() != VIPS_FORMAT_UCHAR) {
    image = image.colourspace(VIPS_INTERPRETATION_sRGB);
  }
  if (image.format() != VIPS_FORMAT_UCHAR) image = image.cast(VIPS_FORMAT_UCHAR);
  return image;
}

}  // namespace

namespace {

double seconds_left(std::chrono::steady_clock::time_point start, double max_seconds) {
  if (max_seconds <= 0) return 0;
  const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return std::max(1e-3, max_seconds - spent);
}

// `image` reduced to exactly `width` x `height`.
vips::VImage reduce_to(const vips::VImage& image, int width, int height, double max_seconds) {
  vips::VImage out = resize_window(image, Window::whole({image.width(), image.height()}), {width, height}, max_seconds);
  stop_after(out, max_seconds);
  return out.copy_memory();
}

// One level down: every frame halved on its own (across a frame boundary the kernel would blend each
// frame's first and last rows with its neighbour's). Returns the new page height in `page_height`.
vips::VImage halve(const vips::VImage& image, int frames, int& page_height, double max_seconds) {
  const int width = halved(image.width()), page = halved(page_height);
  vips::VImage out;
  if (frames == 1) {
    out = reduce_to(image, width, page, max_seconds);
  } else {
    std::vector<vips::VImage> shrunk;
    shrunk.reserve(static_cast<std::size_t>(frames));
    for (int i = 0; i < frames; ++i)
      shrunk.push_back(
          reduce_to(image.extract_area(0, i * page_height, image.width(), page_height), width, page, max_seconds));
    out = vips::VImage::arrayjoin(shrunk, vips::VImage::option()->set("across", 1)).copy_memory();
  }
  page_height = page;
  return out;
}

// The source's size as stored (`info` has it upright).
Size stored_size(const vips::VImage& image, const SourceInfo& info) {
  const int orientation =
      image.get_typeof(VIPS_META_ORIENTATION) != 0 ? image.get_int(VIPS_META_ORIENTATION) : 1;
  return upright_of(orientation).angle % 180 ? Size{info.height, info.width} : Size{info.width, info.height};
}

// A source of `size` pixels in those of its decode at half size, `half`: two source pixels each, when
// the decoder kept each side halved and rounded down, as libvips 8.14 does (else taken as it is).
Window half_of(Size size, const vips::VImage& half) {
  if (half.width() != size.width / 2 || half.height() != size.height / 2)
    return Window::whole({half.width(), half.height()});
  return {0, 0, size.width / 2.0, size.height / 2.0};
}

// A level's pixels (in memory, stored orientation) turned upright; `window` is the part of the stored
// frame the source covers.
Master upright(const vips::VImage& stored, const SourceInfo& info, int level, int frames, int page_height,
               Window window) {
  Master master;
  master.info = info;
  master.level = level;
  master.frames = frames;
  vips::VImage image = stored;
  if (image.get_typeof(VIPS_META_ORIENTATION) != 0 && image.get_int(VIPS_META_ORIENTATION) > 1) {
    const Upright turn = upright_of(image.get_int(VIPS_META_ORIENTATION));
    window = turned(window, {image.width(), page_height}, turn.angle, turn.flop);
    image = image.autorot().copy_memory();
    if (frames == 1) page_height = image.height();
  } else {
    image = image.copy();  // a header of its own: each master's time limit and metadata are its own
    if (image.get_typeof(VIPS_META_ORIENTATION) != 0) image.remove(VIPS_META_ORIENTATION);
  }
  master.image = image;
  master.page_height = page_height;
  master.window = frames == 1 ? window : Window::whole(master.frame_size());
  master.scale = static_cast<double>(image.width()) / info.width;
  return master;
}

}  // namespace

std::vector<Master> decode_levels(const util::SourceFile& file, const SourceInfo& info, const Decode& decode,
                                  const manifest::Limits& limits, Isolation isolation) {
  std::vector<Master> out;
  if (decode.levels.empty()) return out;
  const std::filesystem::path& path = file.path();
  if (!is_core_format(info.format) && isolation == Isolation::automatic) {
    for (int level : decode.levels) out.push_back(decode_in_child(file, info, level, decode.frames, limits));
    return out;
  }
  const auto start = std::chrono::steady_clock::now();
  const VipsCall call({path.filename().string(), info.format});
  try {
    vips::VImage image = load(file, info, decode.base, std::max(1, decode.frames));
    int frames = std::max(1, decode.frames);
    int page_height = image.height() / frames;
    if (image.get_typeof(VIPS_META_PAGE_HEIGHT) != 0) {
      const int ph = image.get_int(VIPS_META_PAGE_HEIGHT);
      if (ph > 0 && image.height() % ph == 0) page_height = ph;
    }
    frames = image.height() / page_height;
    image = to_srgb(image);
    // The decode streams into the first halving; every level after it is made from the one before, in
    // memory, in stored orientation.
    bool in_memory = false;
    int level = decode.base;
    for (int wanted : decode.levels) {
      while (level < wanted) {
        image = halve(image, frames, page_height, seconds_left(start, limits.max_seconds));
        in_memory = true;
        ++level;
      }
      if (!in_memory) {
        stop_after(image, seconds_left(start, limits.max_seconds));
        image = image.copy_memory();
        in_memory = true;
      }
      // Each pixel of the decoder's own half size stands for two of the source, so the source spans half
      // its size in them: half a pixel past an odd side's edge (Window). A Lanczos halving maps the whole
      // source onto its own pixels.
      const Window window = level == 1 && decode.base == 1 ? half_of(stored_size(image, info), image)
                                                           : Window::whole({image.width(), page_height});
      out.push_back(upright(image, info, level, frames, page_height, window));
    }
  } catch (const vips::VError& e) {
    throw RenderError("cannot decode the source: " + killed_or(first_line(e), limits.max_seconds));
  }
  return out;
}

Master decode_master(const std::filesystem::path& path, const SourceInfo& info, int level, int frames,
                     const manifest::Limits& limits, Isolation isolation) {
  std::vector<Master> masters =
      decode_levels(*open_source(path), info, Decode{decode_base(info, level), frames, {level}, {}}, limits, isolation);
  return std::move(masters.front());
}

}  // namespace prerender::render
