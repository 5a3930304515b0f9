#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <tuple>

#include "presets/preset.hpp"

// The preset options, one entry each: their key, the member of PresetSpec and Preset they fill, how the
// manifest reads them, what they change and how they show in the JSON view. Parsing
// (manifest/preset_parser.cpp), merge/resolve/to_spec, to_json, the recipe hash and "same transform" all
// iterate this table; an option's own behaviour lives in render/.
namespace prerender::presets {

// How the manifest reads a value. Options with structure are `Custom`: the manifest reads them with the
// overload of `PresetReader::custom` for the member's value type (manifest/preset_reader.hpp).
namespace read {
struct Boolean {};
struct Integer {
  std::int64_t min, max, step = 1;  // step > 1: the value must be a multiple of it
};
struct Number {
  double min, max;
};
struct OnOff {  // `true` gives `fallback`, `false` gives 0 (off), a number is taken as is
  double fallback, min, max;
};
struct Bytes {  // a size ("200kB"), at least `min`
  std::uint64_t min;
};
template <typename Enum, std::size_t N>
struct Choice {
  const std::array<std::string_view, N>* names;
};
struct Custom {};

template <typename Enum, std::size_t N>
constexpr Choice<Enum, N> choice(const std::array<std::string_view, N>& names) {
  return {&names};
}
}  // namespace read

// What a different value of the option changes.
enum class Affects {
  pixels,    // the transformed image: renditions share one transform only where all of these agree
  encoding,  // the encoded bytes only (format, dpr and animation are compared per request in render/)
  nothing,   // no byte: erased from the recipe hash (check tolerances, HTTP headers, cache tags)
};
// How the resolved value shows in to_json: always, only when it is not the type's default, or not at all
// on its own because the per-format "encode" settings show it resolved.
enum class Shown { always, unless_default, in_encode };
// `off`: a resolved 0 means the option is off and leaves the Preset member unset (trim, sharpen, blur).
enum class Zero { value, off };

template <typename Get, typename Read>
struct Field {
  std::string_view group;  // the mapping the key sits in ("resize", "check"), or empty
  std::string_view key;
  Get get;  // the member, of a PresetSpec and of a Preset alike
  Read read;
  Affects affects;
  Shown shown = Shown::always;
  Zero zero = Zero::value;

  constexpr std::string_view top() const { return group.empty() ? key : group; }
};

template <typename Get, typename Read>
constexpr Field<Get, Read> option(std::string_view group, std::string_view key, Get get, Read how, Affects affects,
                                  Shown shown = Shown::always, Zero zero = Zero::value) {
  return {group, key, get, how, affects, shown, zero};
}

// In the order of the README's table; `extends` is not here: it names a preset and is gone once merged.
inline constexpr auto k_fields = std::tuple{
    option(
        "resize", "width", [](auto& p) -> auto& { return p.resize.width; }, read::Integer{1, 16384}, Affects::pixels),
    option(
        "resize", "height", [](auto& p) -> auto& { return p.resize.height; }, read::Integer{1, 16384}, Affects::pixels),
    option(
        "resize", "fit", [](auto& p) -> auto& { return p.resize.fit; }, read::choice<Fit>(k_fit_names),
        Affects::pixels),
    option(
        "resize", "gravity", [](auto& p) -> auto& { return p.resize.gravity; }, read::choice<Gravity>(k_gravity_names),
        Affects::pixels),
    option(
        "resize", "enlarge", [](auto& p) -> auto& { return p.resize.enlarge; }, read::Boolean{}, Affects::pixels),
    option(
        "", "crop", [](auto& p) -> auto& { return p.crop; }, read::Custom{}, Affects::pixels),
    option(
        "", "trim", [](auto& p) -> auto& { return p.trim; }, read::OnOff{k_default_trim_threshold, 1, 255},
        Affects::pixels, Shown::always, Zero::off),
    option(
        "", "pad", [](auto& p) -> auto& { return p.pad; }, read::Custom{}, Affects::pixels),
    option(
        "", "background", [](auto& p) -> auto& { return p.background; }, read::Custom{}, Affects::pixels),
    option(
        "", "rotate", [](auto& p) -> auto& { return p.rotate; }, read::Integer{0, 270, 90}, Affects::pixels),
    option(
        "", "flip", [](auto& p) -> auto& { return p.flip; }, read::Boolean{}, Affects::pixels),
    option(
        "", "flop", [](auto& p) -> auto& { return p.flop; }, read::Boolean{}, Affects::pixels),
    option(
        "", "sharpen", [](auto& p) -> auto& { return p.sharpen; }, read::OnOff{k_default_sharpen_sigma, 0.3, 10},
        Affects::pixels, Shown::always, Zero::off),
    option(
        "", "blur", [](auto& p) -> auto& { return p.blur; }, read::Number{0, 100}, Affects::pixels, Shown::always,
        Zero::off),
    option(
        "", "grayscale", [](auto& p) -> auto& { return p.grayscale; }, read::Boolean{}, Affects::pixels),
    option(
        "", "overlay", [](auto& p) -> auto& { return p.overlay; }, read::Custom{}, Affects::pixels),
    option(
        "", "keep", [](auto& p) -> auto& { return p.keep; }, read::Custom{}, Affects::encoding),
    option(
        "", "format", [](auto& p) -> auto& { return p.formats; }, read::Custom{}, Affects::encoding),
    option(
        "", "quality", [](auto& p) -> auto& { return p.quality; }, read::Custom{}, Affects::encoding, Shown::in_encode),
    option(
        "", "lossless", [](auto& p) -> auto& { return p.lossless; }, read::Boolean{}, Affects::encoding,
        Shown::in_encode),
    option(
        "", "effort", [](auto& p) -> auto& { return p.effort; }, read::Integer{0, 10}, Affects::encoding,
        Shown::in_encode),
    option(
        "", "progressive", [](auto& p) -> auto& { return p.progressive; }, read::Boolean{}, Affects::encoding,
        Shown::in_encode),
    option(
        "", "chroma_subsampling", [](auto& p) -> auto& { return p.chroma; }, read::choice<Chroma>(k_chroma_names),
        Affects::encoding, Shown::in_encode),
    option(
        "", "palette", [](auto& p) -> auto& { return p.palette; }, read::Boolean{}, Affects::encoding,
        Shown::in_encode),
    option(
        "", "bitdepth", [](auto& p) -> auto& { return p.bitdepth; }, read::Integer{8, 16}, Affects::encoding,
        Shown::in_encode),
    option(
        "", "max_bytes", [](auto& p) -> auto& { return p.max_bytes; }, read::Bytes{64}, Affects::encoding),
    option(
        "", "animation", [](auto& p) -> auto& { return p.animation; }, read::choice<Animation>(k_animation_names),
        Affects::encoding),
    option(
        "", "max_frames", [](auto& p) -> auto& { return p.max_frames; }, read::Integer{1, 10000}, Affects::encoding),
    option(
        "", "dpr", [](auto& p) -> auto& { return p.dpr; }, read::Custom{}, Affects::encoding),
    option(
        "check", "max_difference", [](auto& p) -> auto& { return p.max_difference; }, read::Number{0, 1},
        Affects::nothing),
    option(
        "check", "max_bytes_change", [](auto& p) -> auto& { return p.max_bytes_change; }, read::Number{0, 100},
        Affects::nothing),
    option(
        "", "cache_control", [](auto& p) -> auto& { return p.cache_control; }, read::Custom{}, Affects::nothing,
        Shown::unless_default),
    option(
        "", "tags", [](auto& p) -> auto& { return p.tags; }, read::Custom{}, Affects::nothing, Shown::unless_default),
};

// Calls `visit(field)` for every entry, in table order.
template <typename Visit>
constexpr void for_each_field(Visit&& visit) {
  std::apply([&](const auto&... field) { (visit(field), ...); }, k_fields);
}

namespace detail {

struct KeyList {
  std::array<std::string_view, 64> names{};
  std::size_t size = 0;
  constexpr void add(std::string_view name) {
    for (std::size_t i = 0; i < size; ++i)
      if (names[i] == name) return;
    names[size++] = name;
  }
};

// The keys of a preset mapping (group empty: with `extends`) or of one of its nested mappings.
constexpr KeyList collect_keys(std::string_view group) {
  KeyList out;
  if (group.empty()) out.add("extends");
  for_each_field([&](const auto& field) {
    if (group.empty())
      out.add(field.top());
    else if (field.group == group)
      out.add(field.key);
  });
  return out;
}

template <std::size_t N>
constexpr std::array<std::string_view, N> key_array(std::string_view group) {
  const KeyList all = collect_keys(group);
  std::array<std::string_view, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = all.names[i];
  return out;
}

}  // namespace detail

// The keys a preset mapping, its `resize` and its `check` accept.
inline constexpr auto k_option_keys = detail::key_array<detail::collect_keys("").size>("");
inline constexpr auto k_resize_option_keys = detail::key_array<detail::collect_keys("resize").size>("resize");
inline constexpr auto k_check_option_keys = detail::key_array<detail::collect_keys("check").size>("check");

}  // namespace prerender::presets
