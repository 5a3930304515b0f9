#include "manifest/yaml_tree.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <unordered_map>
#include <yaml.h>

namespace prerender::manifest {

const YamlNode* YamlNode::find(std::string_view key) const {
  for (const auto& [k, v] : entries)
    if (k->kind == NodeKind::scalar && k->scalar == key) return v.get();
  return nullptr;
}

std::vector<const YamlNode*> YamlNode::as_list() const {
  std::vector<const YamlNode*> out;
  if (kind != NodeKind::sequence) {
    out.push_back(this);
    return out;
  }
  out.reserve(items.size());
  for (const auto& item : items) out.push_back(item.get());
  return out;
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

std::string anchor_of(const yaml_char_t* anchor) { return anchor ? reinterpret_cast<const char*>(anchor) : std::string(); }

// Builds our tree from libyaml's parser events (libyaml scans several times faster than yaml-cpp, which
// mattered for catalogues of 100k assets). This is also where alias expansion is counted: every node
// carries its expanded weight, and an alias adds the weight of what it stands for.
class TreeBuilder {
 public:
  explicit TreeBuilder(std::uint64_t max_nodes) : m_max_nodes(max_nodes) {}

  YamlNodePtr root() const { return m_root; }

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
        auto node = std::make_shared<YamlNode>();
        node->mark = at;
        if (!is_null(event)) {
          node->kind = NodeKind::scalar;
          node->scalar.assign(reinterpret_cast<const char*>(event.data.scalar.value), event.data.scalar.length);
          node->quoted = event.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;  // "true" in quotes is a string
        }
        add(std::move(node), anchor_of(event.data.scalar.anchor), 1, at);
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
    std::shared_ptr<YamlNode> node;
    std::string anchor;
    std::uint64_t weight;
    YamlNodePtr pending_key;
  };
  struct Anchored {
    YamlNodePtr node;
    std::uint64_t weight;
  };

  void count(std::uint64_t weight, Mark at) {
    m_total = (weight > m_max_nodes || m_total + weight > m_max_nodes) ? m_max_nodes + 1 : m_total + weight;
    if (m_total > m_max_nodes)
      throw LimitExceeded(at, fmt::format("the document expands to more than {} nodes (alias bomb or "
                                          "manifest too large)", m_max_nodes));
  }

  void open(NodeKind kind, Mark at, std::string anchor) {
    auto node = std::make_shared<YamlNode>();
    node->kind = kind;
    node->mark = at;
    count(1, at);
    m_stack.push_back({std::move(node), std::move(anchor), 1, nullptr});
  }

  void close() {
    Open done = std::move(m_stack.back());
    m_stack.pop_back();
    if (!done.anchor.empty()) m_anchors[done.anchor] = {done.node, done.weight};
    attach(std::move(done.node), done.weight);
  }

  void add(YamlNodePtr node, const std::string& anchor, std::uint64_t weight, Mark at) {
    count(weight, at);
    if (!anchor.empty()) m_anchors[anchor] = {node, weight};
    attach(std::move(node), weight);
  }

  void attach(YamlNodePtr node, std::uint64_t weight) {
    if (m_stack.empty()) {
      m_root = std::move(node);
      return;
    }
    Open& parent = m_stack.back();
    parent.weight = std::min(parent.weight + weight, m_max_nodes + 1);
    auto& target = *parent.node;
    if (target.kind == NodeKind::sequence) {
      target.items.push_back(std::move(node));
    } else if (!parent.pending_key) {
      parent.pending_key = std::move(node);
    } else {
      target.entries.emplace_back(std::move(parent.pending_key), std::move(node));
      parent.pending_key = nullptr;
    }
  }

  std::uint64_t m_max_nodes;
  std::uint64_t m_total = 0;
  int m_documents = 0;
  std::vector<Open> m_stack;
  std::unordered_map<std::string, Anchored> m_anchors;
  YamlNodePtr m_root;
};

[[noreturn]] void fail(const std::string& file, Mark at, std::string message) {
  throw ManifestError({Diagnostic{file, at, std::move(message)}});
}

// The 1-based line and column of a byte offset (libyaml's reader errors give only the offset).
Mark mark_at_offset(std::string_view text, std::size_t offset) {
  Mark out{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') out = {out.line + 1, 1};
    else ++out.column;
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
    const Mark at = m_parser.error == YAML_READER_ERROR ? mark_at_offset(text, m_parser.problem_offset) : to_mark(m_parser.problem_mark);
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
  TreeBuilder builder(limits.max_nodes);
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
  YamlNodePtr root = builder.root();
  if (!root) {
    auto empty = std::make_shared<YamlNode>();
    empty->mark = {1, 1};
    root = std::move(empty);
  }
  return root;
}

YamlNodePtr load_yaml_file(const std::string& path, const YamlLimits& limits) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, {}, fmt::format("cannot read the file: {}", std::strerror(errno)));
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::uint64_t>(std::max<std::streamoff>(in.tellg(), 0));
  if (size > limits.max_bytes)
    fail(path, {}, fmt::format("the file is {} bytes; a manifest may have at most {}", size, limits.max_bytes));
  in.seekg(0);
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  return parse_yaml(text, path, limits);
}

}  // namespace prerender::manifest
