#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "manifest/diagnostics.hpp"
#include "manifest/yaml_tree.hpp"

namespace prerender::manifest {

// Reads typed values from YAML nodes of one file, reporting every problem to Diagnostics with the
// node's position. `what` names the value in messages ("'quality' in preset 'hero'").
class Reader {
 public:
  Reader(std::string file, Diagnostics& diagnostics) : m_file(std::move(file)), m_diagnostics(diagnostics) {}

  const std::string& file() const { return m_file; }
  void error(const YamlNode& at, std::string message) const {
    m_diagnostics.error(m_file, at.mark, std::move(message));
  }
  Diagnostics& diagnostics() const { return m_diagnostics; }

  // True when `node` is a mapping; reports a wrong type, every unknown key (with the nearest valid
  // one) and every duplicate key. `where` completes "unknown key 'x' in <where>".
  bool check_map(const YamlNode& node, std::span<const std::string_view> allowed, std::string_view where) const;
  // The same for a mapping whose keys are names chosen by the user (presets): type and duplicates only.
  bool check_map(const YamlNode& node, std::string_view where) const;

  std::optional<std::string> string(const YamlNode& node, std::string_view what) const;
  std::optional<bool> boolean(const YamlNode& node, std::string_view what) const;
  std::optional<std::int64_t> integer(const YamlNode& node, std::string_view what, std::int64_t min,
                                      std::int64_t max) const;
  std::optional<double> number(const YamlNode& node, std::string_view what, double min, double max) const;
  std::optional<std::uint64_t> size(const YamlNode& node, std::string_view what) const;
  std::optional<double> duration(const YamlNode& node, std::string_view what) const;

  // The index of the node's text in `names`, or nothing (reported, with a suggestion).
  std::optional<std::size_t> choice(const YamlNode& node, std::string_view what,
                                    std::span<const std::string_view> names) const;
  template <typename Enum, std::size_t N>
  std::optional<Enum> choice(const YamlNode& node, std::string_view what,
                             const std::array<std::string_view, N>& names) const {
    auto index = choice(node, what, std::span<const std::string_view>(names));
    return index ? std::optional<Enum>(static_cast<Enum>(*index)) : std::nullopt;
  }

 private:
  bool check_keys(const YamlNode& node, const std::span<const std::string_view>* allowed, std::string_view where) const;

  std::string m_file;
  Diagnostics& m_diagnostics;
};

// How a value of the node reads in a message: 'text', a mapping, a list.
std::string describe(const YamlNode& node);

// A text from the input as a message quotes it: in single quotes, cut after 40 characters with "...",
// control characters as '?'. A diagnostic never carries more of a file than that.
std::string quote(std::string_view text);

}  // namespace prerender::manifest
