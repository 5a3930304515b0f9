#include "presets/preset.hpp"

#include <fmt/format.h>
#include <type_traits>

#include "presets/fields.hpp"

namespace prerender::presets {

std::string_view extension(Format format) { return format == Format::jpeg ? "jpg" : name(format); }

std::string_view content_type(Format format) {
  switch (format) {
    case Format::jpeg: return "image/jpeg";
    case Format::png: return "image/png";
    case Format::webp: return "image/webp";
    case Format::avif: return "image/avif";
    case Format::heic: return "image/heic";
    case Format::jxl: return "image/jxl";
    case Format::gif: return "image/gif";
  }
  return "application/octet-stream";
}

std::string to_string(Colour colour) {
  if (colour.a == 255) return fmt::format("#{:02x}{:02x}{:02x}", colour.r, colour.g, colour.b);
  return fmt::format("#{:02x}{:02x}{:02x}{:02x}", colour.r, colour.g, colour.b, colour.a);
}

namespace {

template <typename T>
void take(std::optional<T>& out, const std::optional<T>& parent, const std::optional<T>& child) {
  out = child ? child : parent;
}

// Cache-Control merges key by key, as resize does.
void take(std::optional<CacheControl>& out, const std::optional<CacheControl>& parent,
          const std::optional<CacheControl>& child) {
  if (!parent || !child) return take<CacheControl>(out, parent, child);
  out = child;
  take(out->browser, parent->browser, child->browser);
  take(out->cdn, parent->cdn, child->cdn);
  take(out->surrogate, parent->surrogate, child->surrogate);
}

template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};

}  // namespace

PresetSpec merge(const PresetSpec& parent, const PresetSpec& child) {
  PresetSpec out;
  out.extends = child.extends;
  for_each_field([&](const auto& field) { take(field.get(out), field.get(parent), field.get(child)); });
  return out;
}

Preset resolve(std::string name, const PresetSpec& spec) {
  Preset out;
  out.name = std::move(name);
  for_each_field([&](const auto& field) {
    auto& to = field.get(out);
    const auto& from = field.get(spec);
    using To = std::remove_cvref_t<decltype(to)>;
    if constexpr (is_optional<To>::value) {
      to = from;
      if constexpr (std::is_arithmetic_v<typename To::value_type>) {
        if (field.zero == Zero::off && to && !(*to > 0)) to.reset();
      }
    } else {
      to = from.value_or(to);  // a default-constructed Preset holds the defaults
    }
  });
  return out;
}

PresetSpec to_spec(const Preset& preset) {
  PresetSpec out;
  for_each_field([&](const auto& field) { field.get(out) = field.get(preset); });
  return out;
}

bool same_pixel_options(const Preset& a, const Preset& b) {
  bool same = true;
  for_each_field([&](const auto& field) {
    if (field.affects == Affects::pixels) same = same && field.get(a) == field.get(b);
  });
  return same;
}

}  // namespace prerender::presets
