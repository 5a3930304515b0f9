#include "output/path_template.hpp"

#include <array>
#include <cctype>
#include <fmt/format.h>

namespace prerender::output {

std::variant<PathTemplate, std::string> PathTemplate::parse(std::string_view text) {
  PathTemplate out;
  std::string literal;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '}') return fmt::format("'}}' at position {} has no opening '{{'", i + 1);
    if (c != '{') {
      literal += c;
      continue;
    }
    const std::size_t close = text.find('}', i);
    if (close == std::string_view::npos) return fmt::format("'{{' at position {} is not closed", i + 1);
    const std::string_view name = text.substr(i + 1, close - i - 1);
    std::optional<Placeholder> found;
    for (std::size_t k = 0; k < k_placeholder_names.size(); ++k)
      if (k_placeholder_names[k] == name) found = static_cast<Placeholder>(k);
    if (!found) {
      std::string known;
      for (std::string_view n : k_placeholder_names) known += (known.empty() ? "{" : ", {") + std::string(n) + "}";
      return fmt::format("unknown placeholder '{{{}}}'; the placeholders are {}", name, known);
    }
    if (!literal.empty()) out.m_parts.push_back({std::move(literal), std::nullopt});
    literal.clear();
    out.m_parts.push_back({"", found});
    i = close;
  }
  if (!literal.empty()) out.m_parts.push_back({std::move(literal), std::nullopt});
  if (!out.uses(Placeholder::asset))
    return "the template must contain {asset}, or every asset would write the same files";
  return out;
}

bool PathTemplate::uses(Placeholder placeholder) const {
  for (const Part& part : m_parts)
    if (part.placeholder == placeholder) return true;
  return false;
}

std::string dpr_suffix(double dpr) {
  if (dpr == 1.0) return "";
  return fmt::format("@{}x", dpr);
}

std::string expand(const PathTemplate& path_template, const PathValues& values) {
  std::string out;
  out.reserve(64);
  for (const PathTemplate::Part& part : path_template.parts()) {
    if (!part.placeholder) {
      out += part.literal;
      continue;
    }
    switch (*part.placeholder) {
      case Placeholder::asset: out += values.asset; break;
      case Placeholder::preset: out += values.preset; break;
      case Placeholder::format: out += presets::name(values.format); break;
      case Placeholder::ext: out += presets::extension(values.format); break;
      case Placeholder::dpr: out += dpr_suffix(values.dpr); break;
      case Placeholder::width:
        if (values.width) out += std::to_string(*values.width);
        break;
      case Placeholder::height:
        if (values.height) out += std::to_string(*values.height);
        break;
    }
  }
  return out;
}

std::string path_problem(std::string_view relative) {
  if (relative.empty()) return "the path is empty";
  if (relative.front() == '/') return "the path is absolute";
  for (char c : relative) {
    if (c == '\0') return "the path has a NUL character";
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "the path has a control character";
    if (c == '\\') return "the path has a backslash";
  }
  std::size_t start = 0;
  std::string_view last;
  while (start <= relative.size()) {
    std::size_t end = relative.find('/', start);
    if (end == std::string_view::npos) end = relative.size();
    const std::string_view segment = relative.substr(start, end - start);
    if (segment.empty()) return "the path has an empty segment ('//' or a trailing '/')";
    if (segment == "..") return "the path has a '..' segment and would escape the output root";
    if (segment == ".") return "the path has a '.' segment";
    if (segment.rfind(".prerender", 0) == 0) return "names starting with '.prerender' are the tool's own";
    last = segment;
    start = end + 1;
  }
  // The run's own files at the root, shard variants included (renditions-0-of-4.jsonl, ...).
  if (relative.find('/') == std::string_view::npos) {
    struct Reserved {
      std::string_view prefix, suffix;
    };
    static constexpr std::array<Reserved, 4> k_reserved{
        {{"renditions", ".jsonl"}, {"urls", ".txt"}, {"changed", ".txt"}, {"run", ".json"}}};
    for (const Reserved& r : k_reserved)
      if (relative.rfind(r.prefix, 0) == 0 && relative.size() >= r.suffix.size() &&
          relative.substr(relative.size() - r.suffix.size()) == r.suffix)
        return fmt::format("'{}' is a name the tool writes itself", relative);
  }
  return "";
}

std::string url_for(std::string_view base_url, std::string_view relative) {
  std::string out(base_url);
  for (char c : relative) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/' || c == '@')
      out += c;
    else
      out += fmt::format("%{:02X}", u);
  }
  return out;
}

}  // namespace prerender::output
