#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "manifest/diagnostics.hpp"

namespace prerender::manifest {

enum class NodeKind { null, scalar, sequence, map };

// An immutable YAML node with its position. Aliases share the anchored node. Nodes live as long as the
// document's root (YamlNodePtr) that owns them all.
struct YamlNode {
  NodeKind kind = NodeKind::null;
  Mark mark;
  std::string scalar;                  // the text of a scalar
  bool quoted = false;                 // a quoted scalar is always a string ("true" is not a boolean)
  std::vector<const YamlNode*> items;  // a sequence's items
  std::vector<std::pair<const YamlNode*, const YamlNode*>> entries;  // a map's

  bool is_map() const { return kind == NodeKind::map; }
  bool is_sequence() const { return kind == NodeKind::sequence; }
  bool is_scalar() const { return kind == NodeKind::scalar; }
  // The value of the first entry whose key is the scalar `key`, or nullptr.
  const YamlNode* find(std::string_view key) const;
  // A sequence's items, or the node itself: for keys that take one value or a list ("format: webp").
  std::vector<const YamlNode*> as_list() const;
};

// A document's root node; it keeps every node of the document alive.
using YamlNodePtr = std::shared_ptr<const YamlNode>;

struct YamlLimits {
  std::uint64_t max_bytes = 64ull << 20;  // the file's size
  std::uint64_t max_nodes = 20'000'000;   // nodes after alias expansion ("billion laughs")
  std::size_t max_depth = 64;             // mappings and lists inside one another
};

// Parses one YAML document. The node count is bounded with aliases counted as the nodes they stand
// for, so an alias bomb fails as soon as it passes the limit, in time and memory linear in the text.
// Nesting is bounded too: libyaml's scanner spends time in proportion to the open flow collections on
// every token, so 100,000 nested '[' took minutes; events stop at max_depth, while the scanner has read
// at most about a thousand characters ahead, which keeps the time linear in the text.
// Throws ManifestError ("file:line:col: ...") on a syntax error, a second document or a limit.
YamlNodePtr parse_yaml(std::string_view text, const std::string& file, const YamlLimits& limits = {});

// Reads and parses a file. Throws ManifestError when it cannot be read or is larger than the limit.
YamlNodePtr load_yaml_file(const std::string& path, const YamlLimits& limits = {});

}  // namespace prerender::manifest
