#include "manifest/yaml_tree.hpp"

#include <cstring>
#include <fmt/format.h>
#include <unordered_map>
#include <yaml.h>

namespace prerender::manifest {

const YamlNode* YamlNode::find(std::string_view key) const {
  for (const auto& [k, v] : entries)
    if (k->kind == NodeKind::scalar && k->scalar == key) return v;
  return nullptr;
}

std::vector<const YamlNode*> YamlNode::as_list() const {
  std::vector<const YamlNode*> out;
  if (kind != NodeKind::sequence) {
    out.push_back(this);
    return out;
  }
  return items;
}

namespace {

Mark to_mark(const yaml_mark_t& mark) {  // libyaml's marks are 0-based
  return {static_cast<int>(mark.line) + 1, static_cast<int>(mark.column) + 1};
}

class LimitExceeded : public std::runtime_error {
 public:
  LimitExceeded(Mark at, const std::string& message) : std::runtime_error(message), m_at(at) {}
  Mark at() const { return m_at; }

 private:
  Mark m_at;
};

// A plain scalar YAML 1.1 reads as null.
bool is_null(const yaml_event_t& event) {
  if (event.data.scalar.style != YAML_PLAIN_SCALAR_STYLE || event.data.scalar.tag != nullptr) return false;
  const std::string_view v(reinterpret_cast<const char*>(event.data.scalar.value), event.data.scalar.length);
  return v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL";
}

std::string anchor_of(const yaml_char_t* anchor) {
  return anchor ? reinterpret_cast<const char*>(anchor) : std::string();
}

// Every node of one document, allocated in blocks and freed together: a catalogue of 100k assets has
// over a million nodes, and one allocation (and reference count) per node was a third of parsing.
class Document {
 public:
  YamlNode* make() {
    if (m_used == k_block) {
      m_blocks.push_back(std::make_unique<YamlNode[]>(k_block));
      m_used = 0;
    }
    return &m_blocks.back()[m_used++];
  }

 private:
  static constexpr std::size_t k_block = 1024;
  std::vector<std::unique_ptr<YamlNode[]>> m_blocks;
  std::size_t m_used = k_block;
};

// Builds our tree from libyaml's parser events (libyaml scans several times faster than yaml-cpp, which
// mattered for catalogues of 100k assets). This is also where alias expansion is counted: every node
// carries its expanded weight, and an alias adds the weight of what it stands for.
class TreeBuilder {
 public:
  TreeBuilder(std::uint64_t max_nodes, std::size_t max_depth) : m_max_nodes(max_nodes), m_max_depth(max_depth) {}

  // The root (an empty document reads as null), owning the whole document.
  YamlNodePtr root() {
    if (!m_root) {
      YamlNode* empty = m_document->make();
      empty->mark = {1, 1};
      m_root = empty;
    }
    return {m_document, m_root};
  }

  // One event; false at the end of the stream.
  bool handle(const yaml_event_t& event) {
    const Mark at = to_mark(event.start_mark);
    switch (event.type) {
      case YAML_STREAM_END_EVENT: return false;
      case YAML_DOCUMENT_START_EVENT:
        if (m_documents++ > 0) throw LimitExceeded(at, "a manifest holds one YAML document, not several");
        break;
      case YAML_ALIAS_EVENT: {
        auto found = m_anchors.find(anchor_of(event.data.alias.anchor));
        if (found == m_anchors.end()) throw LimitExceeded(at, "alias to an unknown anchor");
        add(found->second.node, {}, found->second.weight, at);
        break;
      }
      case YAML_SCALAR_EVENT: {
        YamlNode* node = m_document->make();
        node->mark = at;
        if (!is_null(event)) {
          node->kind = NodeKind::scalar;
          node->scalar.assign(reinterpret_cast<const char*>(event.data.scalar.value), event.data.scalar.length);
          node->quoted = event.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;  // "true" in quotes is a string
        }
        add(node, anchor_of(event.data.scalar.anchor), 1, at);
        break;
      }
      case YAML_SEQUENCE_START_EVENT: open(NodeKind::sequence, at, anchor_of(event.data.sequence_start.anchor)); break;
      case YAML_MAPPING_START_EVENT: open(NodeKind::map, at, anchor_of(event.data.mapping_start.anchor)); break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: close(); break;
      default: break;
    }
    return true;
  }

 private:
  struct Open {
    YamlNode* node;
    std::string anchor;
    std::uint64_t weight;
    std::size_t first_child;  // where this node's children start in m_children
  };
  struct Anchored {
    const YamlNode* node;
    std::uint64_t weight;
  };

  void count(std::uint64_t weight, Mark at) {
    m_total = (weight > m_max_nodes || m_total + weight > m_max_nodes) ? m_max_nodes + 1 : m_total + weight;
    if (m_total > m_max_nodes)
      throw LimitExceeded(at, fmt::format("the document expands to more than {} nodes (alias bomb or "
                                          "manifest too large)",
                                          m_max_nodes));
  }

  void open(NodeKind kind, Mark at, std::string anchor) {
    YamlNode* node = m_document->make();
    node->kind = kind;
    node->mark = at;
    count(1, at);
    if (m_stack.size() >= m_max_depth)
      throw LimitExceeded(at, fmt::format("mappings and lists nest deeper than {} levels", m_max_depth));
    m_stack.push_back({node, std::move(anchor), 1, m_children.size()});
  }

  // The children collected on m_children move into the node at their exact size: a map's keys and
  // values alternate there, as the events come.
  void close() {
    Open done = std::move(m_stack.back());
    m_stack.pop_back();
    const auto first = m_children.begin() + static_cast<std::ptrdiff_t>(done.first_child);
    if (done.node->kind == NodeKind::sequence) {
      done.node->items.assign(first, m_children.end());
    } else {
      done.node->entries.reserve(static_cast<std::size_t>(m_children.end() - first) / 2);
      for (auto it = first; it + 1 < m_children.end(); it += 2) done.node->entries.emplace_back(*it, *(it + 1));
    }
    m_children.erase(first, m_children.end());
    if (!done.anchor.empty()) m_anchors[done.anchor] = {done.node, done.weight};
    attach(done.node, done.weight);
  }

  void add(const YamlNode* node, const std::string& anchor, std::uint64_t weight, Mark at) {
    count(weight, at);
    if (!anchor.empty()) m_anchors[anchor] = {node, weight};
    attach(node, weight);
  }

  void attach(const YamlNode* node, std::uint64_t weight) {
    if (m_stack.empty()) {
      m_root = node;
      return;
    }
    Open& parent = m_stack.back();
    parent.weight = std::min(parent.weight + weight, m_max_nodes + 1);
    m_children.push_back(node);
  }

  std::uint64_t m_max_nodes;
  std::size_t m_max_depth;
  std::uint64_t m_total = 0;
  int m_documents = 0;
  std::vector<Open> m_stack;
  std::vector<const YamlNode*> m_children;  // of the open nodes, innermost last
  std::unordered_map<std::string, Anchored> m_anchors;
  std::shared_ptr<Document> m_document = std::make_shared<Document>();
  const YamlNode* m_root = nullptr;
};

[[noreturn]] void fail(const std::string& file, Mark at, std::string message) {
  throw ManifestError({Diagnostic{file, at, std::move(message)}});
}

// The 1-based line and column of a byte offset (libyaml's reader errors give only the offset).
Mark mark_at_offset(std::string_view text, std::size_t offset) {
  Mark out{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n')
      out = {out.line + 1, 1};
    else
      ++out.column;
  }
  return out;
}

// libyaml's parser and its current event, released however parsing ends.
class Parser {
 public:
  explicit Parser(std::string_view text) {
    yaml_parser_initialize(&m_parser);
    yaml_parser_set_input_string(&m_parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  }
  ~Parser() {
    if (m_has_event) yaml_event_delete(&m_event);
    yaml_parser_delete(&m_parser);
  }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  // The next event, or nullptr on a syntax error (see error()).
  const yaml_event_t* next() {
    if (m_has_event) yaml_event_delete(&m_event);
    m_has_event = yaml_parser_parse(&m_parser, &m_event) != 0;
    return m_has_event ? &m_event : nullptr;
  }

  std::pair<Mark, std::string> error(std::string_view text) const {
    std::string message = m_parser.problem ? m_parser.problem : "unreadable YAML";
    if (m_parser.context) message += fmt::format(" ({} at line {})", m_parser.context, m_parser.context_mark.line + 1);
    const Mark at = m_parser.error == YAML_READER_ERROR ? mark_at_offset(text, m_parser.problem_offset)
                                                        : to_mark(m_parser.problem_mark);
    return {at, message};
  }

 private:
  yaml_parser_t m_parser{};
  yaml_event_t m_event{};
  bool m_has_event = false;
};

}  // namespace

YamlNodePtr parse_yaml(std::string_view text, const std::string& file, const YamlLimits& limits) {
  if (text.size() > limits.max_bytes)
    fail(file, {}, fmt::format("the file is {} bytes; a manifest may have at most {}", text.size(), limits.max_bytes));
  if (text.find('\0') != std::string_view::npos) fail(file, {}, "the file has a NUL byte: not a YAML text");
  TreeBuilder builder(limits.max_nodes, limits.max_depth);
  Parser parser(text);
  try {
    for (;;) {
      const yaml_event_t* event = parser.next();
      if (!event) {
        auto [at, message] = parser.error(text);
        fail(file, at, "YAML syntax error: " + message);
      }
      if (!builder.handle(*event)) break;
    }
  } catch (const LimitExceeded& e) {
    fail(file, e.at(), e.what());
  }
  return builder.root();
}

}  // namespace prerender::manifest
