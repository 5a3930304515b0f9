#include "output/journal.hpp"

#include <limits>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fcntl.h>
#include <cmath>
#include <limits>
#include <optional>
#include <sys/stat.h>
#include <vector>
#include <algorithm>
#include <stdexcept>
#include <unistd.h>

#include "output/atomic_write.hpp"
#include "output/journal_index.hpp"
#include "util/files.hpp"

namespace prerender::output {

std::string_view name(Status status) {
  switch (status) {
    case Status::rendered: return "rendered";
    case Status::up_to_date: return "up-to-date";
    case Status::failed: return "failed";
  }
  return "failed";
}

namespace {

Status status_from(const std::string& text) {
  if (text == "rendered") return Status::rendered;
  if (text == "up-to-date") return Status::up_to_date;
  return Status::failed;
}

}  // namespace

std::string RenditionRecord::key() const { return fmt::format("{}\t{}\t{}\t{}", asset, preset, format, dpr); }

nlohmann::json to_json(const StageTimes& s) {
  return {{"read", s.read},     {"decode", s.decode}, {"transform", s.transform},
          {"encode", s.encode}, {"write", s.write},   {"total", s.total}};
}

nlohmann::json to_json(const RenditionRecord& r) {
  nlohmann::json j{{"asset", r.asset},
                   {"preset", r.preset},
                   {"format", r.format},
                   {"dpr", r.dpr},
                   {"path", r.path},
                   {"url", r.url},
                   {"content_type", r.content_type},
                   {"width", r.width},
                   {"height", r.height},
                   {"bytes", r.bytes},
                   {"etag", r.etag},
                   {"quality", r.quality},
                   {"source", r.source},
                   {"source_hash", r.source_hash},
                   {"source_size", r.source_size},
                   {"source_mtime_ns", r.source_mtime_ns},
                   {"source_width", r.source_width},
                   {"source_height", r.source_height},
                   {"recipe_hash", r.recipe_hash},
                   {"renderer_version", r.renderer_version},
                   {"libvips_version", r.libvips_version},
                   {"status", name(r.status)},
                   {"changed", r.changed},
                   {"requests", r.requests},
                   {"seconds", to_json(r.seconds)},
                   {"cost_seconds", r.cost_seconds},
                   {"asset_metadata", r.asset_metadata},
                   {"finished_at", r.finished_at}};
  if (!r.error.empty()) j["error"] = r.error;
  if (r.score) j["score"] = std::round(*r.score * 1000) / 1000;
  if (r.target_missed) j["target_missed"] = true;
  if (r.full_chroma) j["full_chroma"] = true;
  if (r.encodes) j["encodes"] = r.encodes;
  if (r.scores) j["scores"] = r.scores;
  if (r.quality_remembered) j["quality_remembered"] = true;
  if (!r.cache_control.empty()) j["cache_control"] = r.cache_control;
  if (!r.cdn_cache_control.empty()) j["cdn_cache_control"] = r.cdn_cache_control;
  if (!r.surrogate_control.empty()) j["surrogate_control"] = r.surrogate_control;
  if (!r.tags.empty()) j["tags"] = r.tags;
  return j;
}

// An integer field's value. A float is cast, as nlohmann would, but only within the type's range (the
// cast is undefined outside it): beyond, it is no count of anything and reads as 0.
namespace {
template <typename T>
T count_of(const nlohmann::json& v) {
  if (!v.is_number_float()) return v.get<T>();
  const double d = v.get<double>();
  const bool fits = d >= static_cast<double>(std::numeric_limits<T>::lowest()) &&
                    d < static_cast<double>(std::numeric_limits<T>::max());
  return fits ? static_cast<T>(d) : T{0};
}
}  // namespace

RenditionRecord record_from_json(const nlohmann::json& j) {
  RenditionRecord r;
  r.asset = j.at("asset").get<std::string>();
  r.preset = j.at("preset").get<std::string>();
  r.format = j.at("format").get<std::string>();
  r.dpr = j.at("dpr").get<double>();
  r.path = j.at("path").get<std::string>();
  r.url = j.at("url").get<std::string>();
  r.content_type = j.at("content_type").get<std::string>();
  r.width = count_of<int>(j.at("width"));
  r.height = count_of<int>(j.at("height"));
  r.bytes = count_of<std::uint64_t>(j.at("bytes"));
  r.etag = j.at("etag").get<std::string>();
  r.quality = count_of<int>(j.at("quality"));
  r.source = j.at("source").get<std::string>();
  r.source_hash = j.at("source_hash").get<std::string>();
  r.source_size = count_of<std::uint64_t>(j.at("source_size"));
  r.source_mtime_ns = count_of<std::int64_t>(j.at("source_mtime_ns"));
  r.source_width = count_of<int>(j.at("source_width"));
  r.source_height = count_of<int>(j.at("source_height"));
  r.recipe_hash = j.at("recipe_hash").get<std::string>();
  r.renderer_version = j.at("renderer_version").get<std::string>();
  r.libvips_version = j.at("libvips_version").get<std::string>();
  r.status = status_from(j.at("status").get<std::string>());
  r.changed = j.at("changed").get<bool>();
  r.requests = j.value("requests", std::uint64_t{0});
  const auto& s = j.at("seconds");
  r.seconds = {s.at("read").get<double>(),   s.at("decode").get<double>(), s.at("transform").get<double>(),
               s.at("encode").get<double>(), s.at("write").get<double>(),  s.value("total", 0.0)};
  r.cost_seconds = j.value("cost_seconds", 0.0);
  r.asset_metadata = j.value("asset_metadata", nlohmann::json());
  r.finished_at = j.value("finished_at", std::string());
  r.error = j.value("error", std::string());
  r.cache_control = j.value("cache_control", std::string());
  r.cdn_cache_control = j.value("cdn_cache_control", std::string());
  r.surrogate_control = j.value("surrogate_control", std::string());
  r.tags = j.value("tags", std::vector<std::string>());
  // Fields added later: read when present and of their kind, never a reason for a line not to read back.
  if (const auto it = j.find("score"); it != j.end() && it->is_number()) r.score = it->get<double>();
  if (const auto it = j.find("target_missed"); it != j.end() && it->is_boolean()) r.target_missed = it->get<bool>();
  if (const auto it = j.find("full_chroma"); it != j.end() && it->is_boolean()) r.full_chroma = it->get<bool>();
  if (const auto it = j.find("encodes"); it != j.end() && it->is_number_integer()) r.encodes = it->get<int>();
  if (const auto it = j.find("scores"); it != j.end() && it->is_number_integer()) r.scores = it->get<int>();
  if (const auto it = j.find("quality_remembered"); it != j.end() && it->is_boolean())
    r.quality_remembered = it->get<bool>();
  return r;
}

namespace {

// Where the whole lines of the file open at `fd` end: after its last '\n' (0 when it has none), found
// by reading back from the end.
std::uint64_t end_of_whole_lines(int fd, const std::filesystem::path& shown) {
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    throw std::runtime_error(fmt::format("cannot read '{}': {}", shown.string(), std::strerror(errno)));
  std::uint64_t end = static_cast<std::uint64_t>(st.st_size);
  std::vector<char> chunk(std::size_t{1} << 16);
  while (end > 0) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), end));
    const ssize_t n = ::pread(fd, chunk.data(), want, static_cast<off_t>(end - want));
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(want))
      throw std::runtime_error(fmt::format("cannot read '{}': {}", shown.string(), std::strerror(errno)));
    for (std::size_t i = want; i > 0; --i)
      if (chunk[i - 1] == '\n') return end - want + i;
    end -= want;
  }
  return 0;
}

}  // namespace

void Journal::read(const std::filesystem::path& path, const std::function<void(RenditionRecord&&)>& each,
                   std::size_t* unreadable) {
  std::size_t bad = 0;
  const UniqueFd fd(util::open_regular_file(path));
  if (fd) {
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
      throw std::runtime_error(fmt::format("cannot read '{}': {}", path.string(), std::strerror(errno)));
    for_each_line(fd.get(), static_cast<std::uint64_t>(st.st_size), path, [&](std::string_view line, std::uint64_t) {
      try {
        each(record_from_json(nlohmann::json::parse(line)));
      } catch (const nlohmann::json::exception&) {
        ++bad;
      }
    });
  }
  if (unreadable) *unreadable = bad;
}

std::vector<RenditionRecord> Journal::read(const std::filesystem::path& path, std::size_t* unreadable) {
  std::vector<RenditionRecord> out;
  read(
      path, [&](RenditionRecord&& r) { out.push_back(std::move(r)); }, unreadable);
  return out;
}

Journal::Journal(const OutputRoot& root, std::string name)
    : m_root(root), m_name(std::move(name)), m_path(root.path() / m_name) {
  open_for_append();
  // A run killed mid-line leaves a torn last line; cut it off (through the descriptor, never the path) so
  // the next append starts a fresh line.
  struct stat st {};
  m_size = end_of_whole_lines(m_fd.get(), m_path);
  if (::fstat(m_fd.get(), &st) == 0 && static_cast<std::uint64_t>(st.st_size) != m_size &&
      ::ftruncate(m_fd.get(), static_cast<off_t>(m_size)) != 0)
    throw std::runtime_error(
        fmt::format("cannot cut the torn last line of '{}': {}", m_path.string(), std::strerror(errno)));
  m_base = std::make_unique<JournalIndex>(m_fd.get(), m_size, m_path);
  m_lines = m_base->lines();
}

Journal::~Journal() = default;

void Journal::open_for_append() { m_fd = open_regular_file(m_root.fd(), m_name, O_RDWR | O_APPEND, m_path); }

const JournalEntry* Journal::latest(const std::string& key) const {
  const std::uint64_t hash = key_hash(key);
  const auto it = m_appended.find(hash);
  return it != m_appended.end() ? &it->second : m_base->find(hash);
}

std::optional<RenditionRecord> Journal::record(const JournalEntry& entry) const { return m_base->record(entry); }

void Journal::for_each_latest(const std::function<void(const JournalEntry&)>& each) const {
  for (const JournalEntry& e : m_base->entries())
    if (m_appended.find(e.key_hash) == m_appended.end()) each(e);
  for (const auto& [hash, e] : m_appended) each(e);
}

std::size_t Journal::unreadable_lines() const { return m_base->unreadable(); }

std::size_t Journal::index_bytes() const {
  // An unordered_map node: the entry, its key, the next pointer and the cached hash; plus a bucket.
  return m_base->bytes() + m_appended.size() * (sizeof(JournalEntry) + 4 * sizeof(void*));
}

void Journal::append(const RenditionRecord& record) {
  const std::string line = to_json(record).dump() + "\n";
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(m_fd.get(), line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int saved = n == 0 ? ENOSPC : errno;
      // A part of the line may be in the file (a limit reached mid-line): cut it, or the next line would
      // continue it and neither would read back.
      if (done > 0) (void)::ftruncate(m_fd.get(), static_cast<off_t>(m_size));
      throw std::runtime_error(fmt::format("cannot append to '{}': {}", m_path.string(), std::strerror(saved)));
    }
    done += static_cast<std::size_t>(n);
  }
  if (std::optional<JournalEntry> e = scan_line(std::string_view(line).substr(0, line.size() - 1), m_size))
    m_appended.insert_or_assign(e->key_hash, *e);
  m_size += line.size();
  ++m_lines;
}

void Journal::compact() {
  std::size_t keys = m_appended.size();
  for (const JournalEntry& e : m_base->entries()) keys += m_appended.find(e.key_hash) == m_appended.end() ? 1 : 0;
  if (m_lines == keys) return;  // every line is its rendition's latest, and all read back
  // The offsets of the lines to keep, in file order, with the entries that point at them.
  std::vector<JournalEntry*> kept;
  kept.reserve(m_base->entries().size() + m_appended.size());
  for (JournalEntry& e : m_base->entries())
    if (m_appended.find(e.key_hash) == m_appended.end()) kept.push_back(&e);
  for (auto& [hash, e] : m_appended) kept.push_back(&e);
  std::sort(kept.begin(), kept.end(),
            [](const JournalEntry* a, const JournalEntry* b) { return a->offset < b->offset; });
  std::size_t next = 0;
  std::uint64_t written = 0;
  m_root.write_streamed(m_name, [&](const std::function<void(std::string_view)>& write) {
    std::string block;
    for_each_line(m_fd.get(), m_size, m_path, [&](std::string_view line, std::uint64_t offset) {
      if (next >= kept.size() || kept[next]->offset != offset) return;
      kept[next++]->offset = written + block.size();
      block.append(line);
      block += '\n';
      if (block.size() >= (std::size_t{1} << 20)) {
        write(block);
        written += block.size();
        block.clear();
      }
    });
    write(block);
    written += block.size();
  });
  open_for_append();
  m_size = written;
  m_base->set_fd(m_fd.get());
  m_lines = kept.size();
}

JournalSnapshot::JournalSnapshot() : index(std::make_unique<JournalIndex>()) {}
JournalSnapshot::~JournalSnapshot() = default;
JournalSnapshot::JournalSnapshot(JournalSnapshot&&) noexcept = default;

JournalSnapshot JournalSnapshot::open(const std::filesystem::path& path) {
  JournalSnapshot out;
  out.fd = UniqueFd(util::open_regular_file(path));
  if (!out.fd) return out;
  struct stat st {};
  if (::fstat(out.fd.get(), &st) != 0)
    throw std::runtime_error(fmt::format("cannot read '{}': {}", path.string(), std::strerror(errno)));
  out.index = std::make_unique<JournalIndex>(out.fd.get(), static_cast<std::uint64_t>(st.st_size), path);
  return out;
}

}  // namespace prerender::output
