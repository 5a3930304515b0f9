#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace prerender::presets {

enum class Format { jpeg, png, webp, avif, heic, jxl, gif };
enum class Fit { cover, contain, fill, inside, outside };
enum class Gravity {
  centre,
  north,
  northeast,
  east,
  southeast,
  south,
  southwest,
  west,
  northwest,
  entropy,
  attention,
  focus
};
enum class Animation { keep, first };
enum class Chroma { s420, s444 };

// Names as written in manifests, indexed by the enum's value.
inline constexpr std::array<std::string_view, 7> k_format_names{"jpeg", "png", "webp", "avif", "heic", "jxl", "gif"};
inline constexpr std::array<std::string_view, 5> k_fit_names{"cover", "contain", "fill", "inside", "outside"};
inline constexpr std::array<std::string_view, 12> k_gravity_names{"centre",    "north",   "northeast", "east",
                                                                  "southeast", "south",   "southwest", "west",
                                                                  "northwest", "entropy", "attention", "focus"};
inline constexpr std::array<std::string_view, 2> k_animation_names{"keep", "first"};
inline constexpr std::array<std::string_view, 2> k_chroma_names{"4:2:0", "4:4:4"};
inline constexpr std::array<std::string_view, 3> k_keep_names{"icc", "copyright", "exif"};

template <typename Enum, std::size_t N>
constexpr std::string_view name_of(Enum value, const std::array<std::string_view, N>& names) {
  return names[static_cast<std::size_t>(value)];
}
inline std::string_view name(Format v) { return name_of(v, k_format_names); }
inline std::string_view name(Fit v) { return name_of(v, k_fit_names); }
inline std::string_view name(Gravity v) { return name_of(v, k_gravity_names); }
inline std::string_view name(Animation v) { return name_of(v, k_animation_names); }
inline std::string_view name(Chroma v) { return name_of(v, k_chroma_names); }

// File extension used in output paths: "jpg" for jpeg, the format's name otherwise.
std::string_view extension(Format format);
// The Content-Type a CDN should serve the format with.
std::string_view content_type(Format format);

struct Colour {
  std::uint8_t r = 255, g = 255, b = 255, a = 255;
  bool operator==(const Colour&) const = default;
};
// "#rrggbb" or "#rrggbbaa" (lowercase).
std::string to_string(Colour colour);

// A region of the (upright) source in fractions of its width and height.
struct Region {
  double left = 0, top = 0, width = 1, height = 1;
  bool operator==(const Region&) const = default;
};

// A pre-crop, taken before resizing: a region, or the largest box of an aspect ratio placed by gravity.
struct Crop {
  std::optional<Region> region;
  std::optional<double> aspect;  // width / height
  std::string aspect_text;       // as written ("16:9"), for display
  bool operator==(const Crop&) const = default;
};

// Padding in CSS pixels, added around the resized image with the background colour.
struct Edges {
  int top = 0, right = 0, bottom = 0, left = 0;
  bool operator==(const Edges&) const = default;
};

struct Overlay {
  std::string image;  // path, resolved against the manifest that names it
  Gravity gravity = Gravity::southeast;
  int offset_x = 0, offset_y = 0;  // CSS pixels from the gravity edge(s)
  double width = 0.2;              // fraction of the output width
  double opacity = 1.0;
  bool operator==(const Overlay&) const = default;
};

struct Keep {
  bool icc = false, copyright = false, exif = false;
  bool operator==(const Keep&) const = default;
};

// How a preset's renditions may be cached (publish/headers.hpp): Cache-Control for everyone, and optional
// CDN-Cache-Control and Surrogate-Control for the edge. Not part of the recipe: they change no byte.
struct CacheControl {
  std::optional<std::string> browser, cdn, surrogate;
  bool operator==(const CacheControl&) const = default;
};

// `quality: auto`: the encoder's quality is searched per rendition, the lowest in [min, max] whose
// butteraugli 3-norm against the rendition's own pixels is at most `butteraugli`; unset fields take the
// format's defaults (presets/format_defaults.hpp, auto_quality).
struct QualityAuto {
  std::optional<double> butteraugli;
  std::optional<int> min, max;
  bool operator==(const QualityAuto&) const = default;
};

// `quality:` a fixed encoder quality (1..100), or `auto` (QualityAuto). One option, so that a child's fixed
// quality replaces a parent's `auto` under `extends`, and the reverse.
class Quality {
 public:
  Quality(int fixed) : m_value(fixed) {}  // NOLINT(google-explicit-constructor): `quality: 80` reads as 80
  Quality(QualityAuto automatic) : m_value(automatic) {}  // NOLINT(google-explicit-constructor)
  const int* fixed() const { return std::get_if<int>(&m_value); }
  const QualityAuto* automatic() const { return std::get_if<QualityAuto>(&m_value); }
  bool operator==(const Quality&) const = default;

 private:
  std::variant<int, QualityAuto> m_value;
};

struct ResizeSpec {
  std::optional<int> width, height;
  std::optional<Fit> fit;
  std::optional<Gravity> gravity;
  std::optional<bool> enlarge;
};

// A preset as written: every field optional, so that `extends` can merge a child over its parent.
struct PresetSpec {
  std::optional<std::string> extends;
  ResizeSpec resize;
  std::optional<Crop> crop;
  std::optional<double> trim;
  std::optional<Edges> pad;
  std::optional<Colour> background;
  std::optional<int> rotate;
  std::optional<bool> flip, flop;
  std::optional<double> sharpen, blur;
  std::optional<bool> grayscale;
  std::optional<Overlay> overlay;
  std::optional<Keep> keep;
  std::optional<std::vector<Format>> formats;
  std::optional<Quality> quality;
  std::optional<int> effort, bitdepth;
  std::optional<bool> lossless, progressive, palette;
  std::optional<Chroma> chroma;
  std::optional<std::uint64_t> max_bytes;
  std::optional<Animation> animation;
  std::optional<int> max_frames;
  std::optional<std::vector<double>> dpr;
  std::optional<double> max_difference;
  std::optional<double> max_bytes_change;
  std::optional<CacheControl> cache_control;
  std::optional<std::vector<std::string>> tags;
};

// `child` with every field it leaves unset taken from `parent` (resize key by key).
PresetSpec merge(const PresetSpec& parent, const PresetSpec& child);

struct Resize {
  std::optional<int> width, height;  // CSS pixels; unset: follow the other side, or keep the source size
  Fit fit = Fit::cover;
  Gravity gravity = Gravity::centre;
  bool enlarge = false;
  bool operator==(const Resize&) const = default;
};

// A preset after `extends` and defaults: what rendering uses. Encoder fields left unset take the
// per-format defaults (see encode_settings).
struct Preset {
  std::string name;
  Resize resize;
  std::optional<Crop> crop;
  std::optional<double> trim;  // threshold
  Edges pad;
  Colour background;  // default opaque white
  int rotate = 0;
  bool flip = false, flop = false;
  std::optional<double> sharpen, blur;  // sigma
  bool grayscale = false;
  std::optional<Overlay> overlay;
  Keep keep;
  std::vector<Format> formats{Format::jpeg};
  std::optional<Quality> quality;  // unset: the format's default; automatic: searched per rendition
  std::optional<int> effort, bitdepth;
  std::optional<bool> lossless, progressive, palette;
  std::optional<Chroma> chroma;
  std::optional<std::uint64_t> max_bytes;
  Animation animation = Animation::first;
  int max_frames = 100;
  std::vector<double> dpr{1.0};
  // prerender check: the largest perceptual difference (1 - mean SSIM) and relative size change
  // against the reference that still pass.
  double max_difference = 0.01;
  double max_bytes_change = 0.1;
  // HTTP caching and cache tags added to its renditions' (publish/tags.hpp); not part of the recipe hash.
  CacheControl cache_control;
  std::vector<std::string> tags;
  bool operator==(const Preset&) const = default;
};

// Applies defaults to a merged spec.
Preset resolve(std::string name, const PresetSpec& spec);

// Default sigma for `sharpen: true`, threshold for `trim: true`.
inline constexpr double k_default_sharpen_sigma = 1.0;
inline constexpr double k_default_trim_threshold = 10.0;

}  // namespace prerender::presets

namespace prerender::presets {

// A resolved preset as a spec with every field set, so that command-line settings can be merged over it.
PresetSpec to_spec(const Preset& preset);

// Whether every option that changes the transformed pixels (presets/fields.hpp) has the same value in both.
bool same_pixel_options(const Preset& a, const Preset& b);

}  // namespace prerender::presets
