#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "presets/preset.hpp"

namespace prerender::output {

// Placeholders of output.path; README "Output paths" documents each.
enum class Placeholder { asset, preset, format, ext, dpr, width, height };
inline constexpr std::array<std::string_view, 7> k_placeholder_names{"asset", "preset", "format", "ext",
                                                                     "dpr",   "width",  "height"};

class PathTemplate {
 public:
  struct Part {
    std::string literal;  // used when placeholder is unset
    std::optional<Placeholder> placeholder;
  };

  // Parses "{asset}/{preset}{dpr}.{ext}". Returns the reason when the text is not a valid template
  // (unknown placeholder, unbalanced brace).
  static std::variant<PathTemplate, std::string> parse(std::string_view text);

  bool uses(Placeholder placeholder) const;
  const std::vector<Part>& parts() const { return m_parts; }

 private:
  std::vector<Part> m_parts;
};

struct PathValues {
  std::string_view asset;
  std::string_view preset;
  presets::Format format = presets::Format::jpeg;
  double dpr = 1;
  std::optional<int> width, height;  // the target box in device pixels
};

// The template with every placeholder replaced. {dpr} is "" at 1x and "@2x" (or "@1.5x") otherwise;
// an unset {width}/{height} expands to "" (validation rejects templates that would need one).
std::string expand(const PathTemplate& path_template, const PathValues& values);

// "" at 1x, "@2x", "@1.5x".
std::string dpr_suffix(double dpr);

// Why a relative output path is unsafe, or "" when it is safe: it must stay under the output root (no
// absolute path, no '..' or '.' or empty segment), have no NUL, control character or backslash, and
// not take a name the tool writes itself (renditions*.jsonl, urls*.txt, changed*.txt, run*.json at the root,
// .prerender* anywhere).
std::string path_problem(std::string_view relative);

// base_url + the path with each segment percent-encoded (RFC 3986 unreserved characters kept).
std::string url_for(std::string_view base_url, std::string_view relative);

}  // namespace prerender::output
