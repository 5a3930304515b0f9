#include "output/journal_index.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unistd.h>

#include "util/hash.hpp"
#include "util/version.hpp"

namespace prerender::output {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // content_hash writes lowercase only
}

// The fields of a line record_from_json reads, in the order of k_fields, and how it reads them.
enum class Kind : std::uint8_t { string, number, boolean };
struct Field {
  std::string_view name;
  Kind kind;
  bool required;
};
constexpr std::array<Field, 28> k_fields{{
    {"asset", Kind::string, true},
    {"preset", Kind::string, true},
    {"format", Kind::string, true},
    {"dpr", Kind::number, true},
    {"path", Kind::string, true},
    {"url", Kind::string, true},
    {"content_type", Kind::string, true},
    {"width", Kind::number, true},
    {"height", Kind::number, true},
    {"bytes", Kind::number, true},
    {"etag", Kind::string, true},
    {"quality", Kind::number, true},
    {"source", Kind::string, true},
    {"source_hash", Kind::string, true},
    {"source_size", Kind::number, true},
    {"source_mtime_ns", Kind::number, true},
    {"source_width", Kind::number, true},
    {"source_height", Kind::number, true},
    {"recipe_hash", Kind::string, true},
    {"renderer_version", Kind::string, true},
    {"libvips_version", Kind::string, true},
    {"status", Kind::string, true},
    {"changed", Kind::boolean, true},
    {"requests", Kind::number, false},
    {"finished_at", Kind::string, false},
    {"error", Kind::string, false},
    {"seconds", Kind::number, true},
    {"cost_seconds", Kind::number, false},
}};
constexpr std::size_t k_seconds = 26;  // an object of numbers, checked on its own
constexpr std::array<std::string_view, 6> k_stages{"read", "decode", "transform", "encode", "write", "total"};

// A SAX reader of one line: the values of the fields above (the last of duplicates, as the document
// would keep), whether each was of the kind record_from_json can convert, and nothing else kept.
class LineReader : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::array<std::string, k_fields.size()> text;
  std::array<double, k_fields.size()> real{};
  std::array<std::int64_t, k_fields.size()> integer{};
  std::array<std::uint8_t, k_fields.size()> seen{};  // 0 absent, 1 the right kind, 2 another kind
  std::array<bool, k_stages.size()> stages{};
  bool stage_of_wrong_kind = false, object = false;

  bool null() override { return value(nullptr, 0, 0, Kind::string, true); }
  bool boolean(bool v) override { return value(nullptr, v ? 1 : 0, v ? 1 : 0, Kind::boolean, false); }
  bool number_integer(number_integer_t v) override {
    return value(nullptr, static_cast<double>(v), v, Kind::number, false);
  }
  bool number_unsigned(number_unsigned_t v) override {
    return value(nullptr, static_cast<double>(v), static_cast<std::int64_t>(v), Kind::number, false);
  }
  bool number_float(number_float_t v, const string_t&) override {
    // Outside int64's range (or NaN) the cast is undefined: such a value is no count of anything.
    const bool fits = v > -9.2e18 && v < 9.2e18;
    return value(nullptr, v, fits ? static_cast<std::int64_t>(v) : 0, Kind::number, false);
  }
  bool string(string_t& v) override { return value(&v, 0, 0, Kind::string, false); }
  bool binary(binary_t&) override { return value(nullptr, 0, 0, Kind::string, true); }
  bool start_object(std::size_t) override {
    if (m_depth == 0) object = true;
    if (m_depth == 1) mark(m_current == k_seconds ? 1 : 2);
    if (m_depth == 1 && m_current == k_seconds) m_in_seconds = true;
    if (m_depth == 2 && m_in_seconds && m_stage < k_stages.size()) stage_of_wrong_kind = true;
    ++m_depth;
    return true;
  }
  bool key(string_t& k) override {
    if (m_depth == 1) {
      m_current = k_fields.size();
      for (std::size_t i = 0; i < k_fields.size(); ++i)
        if (k_fields[i].name == k) m_current = i;
    } else if (m_depth == 2 && m_in_seconds) {
      m_stage = k_stages.size();
      for (std::size_t i = 0; i < k_stages.size(); ++i)
        if (k_stages[i] == k) m_stage = i;
    }
    return true;
  }
  bool end_object() override {
    --m_depth;
    if (m_depth == 1) m_in_seconds = false;
    return true;
  }
  bool start_array(std::size_t) override {
    if (m_depth == 1) mark(2);
    if (m_depth == 2 && m_in_seconds && m_stage < k_stages.size()) stage_of_wrong_kind = true;
    ++m_depth;
    return true;
  }
  bool end_array() override {
    --m_depth;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  void mark(std::uint8_t how) {
    if (m_current < k_fields.size()) seen[m_current] = how;
  }
  // As nlohmann's get<> converts: a number from any number, a boolean only from a boolean.
  bool value(string_t* s, double r, std::int64_t i, Kind kind, bool null_or_binary) {
    if (m_depth == 2 && m_in_seconds && m_stage < k_stages.size()) {
      if (kind != Kind::number || null_or_binary)
        stage_of_wrong_kind = true;
      else
        stages[m_stage] = true;
      return true;
    }
    if (m_depth != 1 || m_current >= k_fields.size()) return true;
    const Kind wanted = k_fields[m_current].kind;
    const bool ok = !null_or_binary && m_current != k_seconds && kind == wanted;
    mark(ok ? 1 : 2);
    if (ok && s) text[m_current] = std::move(*s);
    real[m_current] = r;
    integer[m_current] = i;
    return true;
  }

  std::size_t m_depth = 0, m_current = k_fields.size(), m_stage = k_stages.size();
  bool m_in_seconds = false;
};

Status status_of(const std::string& text) {
  if (text == "rendered") return Status::rendered;
  if (text == "up-to-date") return Status::up_to_date;
  return Status::failed;
}

}  // namespace

HashKind parse_hash(std::string_view hex, Hash128& out) {
  out = Hash128{};
  if (hex.empty()) return HashKind::empty;
  if (hex.size() != 32) return HashKind::other;
  for (std::size_t i = 0; i < 32; ++i) {
    const int d = hex_digit(hex[i]);
    if (d < 0) {
      out = Hash128{};
      return HashKind::other;
    }
    std::uint64_t& word = i < 16 ? out.high : out.low;
    word = (word << 4) | static_cast<std::uint64_t>(d);
  }
  return HashKind::hash;
}

bool JournalEntry::same(const Hash128& hash, HashKind kind, std::string_view hex) {
  Hash128 other;
  const HashKind other_kind = parse_hash(hex, other);
  return kind != HashKind::other && kind == other_kind && hash.high == other.high && hash.low == other.low;
}

std::string JournalEntry::source_hash_hex() const {
  return source_hash_kind == HashKind::hash ? fmt::format("{:016x}{:016x}", source_hash.high, source_hash.low)
                                            : std::string();
}

std::uint64_t key_hash(std::string_view key) { return util::stable_hash64(key); }

std::optional<JournalEntry> scan_line(std::string_view line, std::uint64_t offset) {
  LineReader reader;
  if (!nlohmann::json::sax_parse(line, &reader) || !reader.object) return std::nullopt;
  for (std::size_t i = 0; i < k_fields.size(); ++i)
    if (reader.seen[i] == 2 || (k_fields[i].required && reader.seen[i] == 0)) return std::nullopt;
  if (reader.stage_of_wrong_kind) return std::nullopt;
  for (std::size_t i = 0; i < 5; ++i)  // "total" may be missing
    if (!reader.stages[i]) return std::nullopt;
  JournalEntry e;
  const auto at = [&](std::string_view name) {
    return static_cast<std::size_t>(
        std::find_if(k_fields.begin(), k_fields.end(), [&](const Field& f) { return f.name == name; }) -
        k_fields.begin());
  };
  static const std::size_t asset = at("asset"), preset = at("preset"), format = at("format"), dpr = at("dpr"),
                           bytes = at("bytes"), etag = at("etag"), source = at("source"),
                           source_hash = at("source_hash"), source_size = at("source_size"),
                           mtime = at("source_mtime_ns"), recipe = at("recipe_hash"), renderer = at("renderer_version"),
                           status = at("status"), cost = at("cost_seconds");
  e.key_hash = key_hash(
      fmt::format("{}\t{}\t{}\t{}", reader.text[asset], reader.text[preset], reader.text[format], reader.real[dpr]));
  e.offset = offset;
  e.length = static_cast<std::uint32_t>(line.size());
  e.cost_seconds = reader.seen[cost] == 1 ? static_cast<float>(reader.real[cost]) : 0.0f;
  e.bytes = static_cast<std::uint64_t>(reader.integer[bytes]);
  e.source_size = static_cast<std::uint64_t>(reader.integer[source_size]);
  e.source_mtime_ns = reader.integer[mtime];
  e.source_path_hash = util::stable_hash64(reader.text[source]);
  e.etag_kind = parse_hash(reader.text[etag], e.etag);
  e.source_hash_kind = parse_hash(reader.text[source_hash], e.source_hash);
  e.recipe_hash_kind = parse_hash(reader.text[recipe], e.recipe_hash);
  e.status = status_of(reader.text[status]);
  e.current_renderer = reader.text[renderer] == util::k_version;
  return e;
}

void for_each_line(int fd, std::uint64_t size, const std::filesystem::path& shown,
                   const std::function<void(std::string_view line, std::uint64_t offset)>& each) {
  std::string buffer;
  std::vector<char> chunk(std::size_t{1} << 20);
  std::uint64_t read_to = 0, line_start = 0;
  while (read_to < size) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), size - read_to));
    const ssize_t n = ::pread(fd, chunk.data(), want, static_cast<off_t>(read_to));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(fmt::format("cannot read '{}': {}", shown.string(), std::strerror(errno)));
    if (n == 0) break;
    read_to += static_cast<std::uint64_t>(n);
    buffer.append(chunk.data(), static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (std::size_t end; (end = buffer.find('\n', start)) != std::string::npos; start = end + 1) {
      if (end > start) each(std::string_view(buffer).substr(start, end - start), line_start + start);
    }
    buffer.erase(0, start);
    line_start += start;
  }
  if (!buffer.empty()) each(buffer, line_start);
}

JournalIndex::JournalIndex(int fd, std::uint64_t size, const std::filesystem::path& shown) : m_fd(fd), m_shown(shown) {
  // Counted first, so that the entries are allocated once and not at twice their size while growing.
  std::size_t count = 0;
  for_each_line(fd, size, shown, [&](std::string_view, std::uint64_t) { ++count; });
  m_entries.reserve(count);
  for_each_line(fd, size, shown, [&](std::string_view line, std::uint64_t offset) {
    ++m_lines;
    if (std::optional<JournalEntry> e = scan_line(line, offset))
      m_entries.push_back(*e);
    else
      ++m_unreadable;
  });
  // One per key, the latest line's: sorted by key, then by offset descending, first of each key kept.
  std::sort(m_entries.begin(), m_entries.end(), [](const JournalEntry& a, const JournalEntry& b) {
    return a.key_hash != b.key_hash ? a.key_hash < b.key_hash : a.offset > b.offset;
  });
  m_entries.erase(std::unique(m_entries.begin(), m_entries.end(),
                              [](const JournalEntry& a, const JournalEntry& b) { return a.key_hash == b.key_hash; }),
                  m_entries.end());
  m_entries.shrink_to_fit();
}

const JournalEntry* JournalIndex::find(std::uint64_t hash) const {
  const auto it = std::lower_bound(m_entries.begin(), m_entries.end(), hash,
                                   [](const JournalEntry& e, std::uint64_t h) { return e.key_hash < h; });
  return it != m_entries.end() && it->key_hash == hash ? &*it : nullptr;
}

std::optional<RenditionRecord> JournalIndex::record(const JournalEntry& entry) const {
  std::string line(entry.length, '\0');
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::pread(m_fd, line.data() + done, line.size() - done, static_cast<off_t>(entry.offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    done += static_cast<std::size_t>(n);
  }
  try {
    RenditionRecord r = record_from_json(nlohmann::json::parse(line));
    if (key_hash(r.key()) != entry.key_hash) return std::nullopt;
    return r;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace prerender::output
