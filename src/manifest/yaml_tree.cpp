#include "manifest/yaml_tree.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

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

Mark to_mark(const YAML::Mark& mark) { return {mark.line + 1, mark.column + 1}; }  // Mark is 0-based

class LimitExceeded : public std::runtime_error {
 public:
  LimitExceeded(Mark at, const std::string& message) : std::runtime_error(message), m_at(at) {}
  Mark at() const { return m_at; }

 private:
  Mark m_at;
};

// Builds our tree from yaml-cpp's parser events. This is both faster than YAML::Load and the place
// where alias expansion is counted: every node carries its expanded weight, and an alias adds the
// weight of what it stands for.
class TreeBuilder : public YAML::EventHandler {
 public:
  explicit TreeBuilder(std::uint64_t max_nodes) : m_max_nodes(max_nodes) {}

  YamlNodePtr root() const { return m_root; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (m_documents++ > 0) throw LimitExceeded(to_mark(mark), "a manifest holds one YAML document, not several");
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto node = std::make_shared<YamlNode>();
    node->mark = to_mark(mark);
    const Mark at = node->mark;
    add(std::move(node), anchor, 1, at);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto found = m_anchors.find(anchor);
    if (found == m_anchors.end()) throw LimitExceeded(to_mark(mark), "alias to an unknown anchor");
    add(found->second.node, YAML::NullAnchor, found->second.weight, to_mark(mark));
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    auto node = std::make_shared<YamlNode>();
    node->kind = NodeKind::scalar;
    node->mark = to_mark(mark);
    node->scalar = value;
    node->quoted = (tag == "!");  // yaml-cpp tags plain scalars "?" and quoted ones "!"
    const Mark at = node->mark;
    add(std::move(node), anchor, 1, at);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(NodeKind::sequence, mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(NodeKind::map, mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    std::shared_ptr<YamlNode> node;
    YAML::anchor_t anchor;
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

  void open(NodeKind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    auto node = std::make_shared<YamlNode>();
    node->kind = kind;
    node->mark = to_mark(mark);
    count(1, node->mark);
    m_stack.push_back({std::move(node), anchor, 1, nullptr});
  }

  void close() {
    Open done = std::move(m_stack.back());
    m_stack.pop_back();
    if (done.anchor != YAML::NullAnchor) m_anchors[done.anchor] = {done.node, done.weight};
    attach(std::move(done.node), done.weight);
  }

  void add(YamlNodePtr node, YAML::anchor_t anchor, std::uint64_t weight, Mark at) {
    count(weight, at);
    if (anchor != YAML::NullAnchor) m_anchors[anchor] = {node, weight};
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
  std::unordered_map<YAML::anchor_t, Anchored> m_anchors;
  YamlNodePtr m_root;
};

[[noreturn]] void fail(const std::string& file, Mark at, std::string message) {
  throw ManifestError({Diagnostic{file, at, std::move(message)}});
}

}  // namespace

YamlNodePtr parse_yaml(std::string_view text, const std::string& file, const YamlLimits& limits) {
  if (text.size() > limits.max_bytes)
    fail(file, {}, fmt::format("the file is {} bytes; a manifest may have at most {}", text.size(), limits.max_bytes));
  if (text.find('\0') != std::string_view::npos) fail(file, {}, "the file has a NUL byte: not a YAML text");
  std::istringstream stream{std::string(text)};
  TreeBuilder builder(limits.max_nodes);
  try {
    YAML::Parser parser(stream);
    parser.HandleNextDocument(builder);
    parser.HandleNextDocument(builder);  // a second document is an error, reported by the builder
  } catch (const LimitExceeded& e) {
    fail(file, e.at(), e.what());
  } catch (const YAML::Exception& e) {
    fail(file, to_mark(e.mark), "YAML syntax error: " + e.msg);
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
