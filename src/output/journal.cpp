#include "output/journal.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fcntl.h>
#include <optional>
#include <stdexcept>
#include <unistd.h>

#include "output/atomic_write.hpp"
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
  return {{"read", s.read}, {"decode", s.decode}, {"transform", s.transform},
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
                   {"asset_metadata", r.asset_metadata},
                   {"finished_at", r.finished_at}};
  if (!r.error.empty()) j["error"] = r.error;
  if (!r.cache_control.empty()) j["cache_control"] = r.cache_control;
  if (!r.cdn_cache_control.empty()) j["cdn_cache_control"] = r.cdn_cache_control;
  if (!r.surrogate_control.empty()) j["surrogate_control"] = r.surrogate_control;
  if (!r.tags.empty()) j["tags"] = r.tags;
  return j;
}

RenditionRecord record_from_json(const nlohmann::json& j) {
  RenditionRecord r;
  r.asset = j.at("asset").get<std::string>();
  r.preset = j.at("preset").get<std::string>();
  r.format = j.at("format").get<std::string>();
  r.dpr = j.at("dpr").get<double>();
  r.path = j.at("path").get<std::string>();
  r.url = j.at("url").get<std::string>();
  r.content_type = j.at("content_type").get<std::string>();
  r.width = j.at("width").get<int>();
  r.height = j.at("height").get<int>();
  r.bytes = j.at("bytes").get<std::uint64_t>();
  r.etag = j.at("etag").get<std::string>();
  r.quality = j.at("quality").get<int>();
  r.source = j.at("source").get<std::string>();
  r.source_hash = j.at("source_hash").get<std::string>();
  r.source_size = j.at("source_size").get<std::uint64_t>();
  r.source_mtime_ns = j.at("source_mtime_ns").get<std::int64_t>();
  r.source_width = j.at("source_width").get<int>();
  r.source_height = j.at("source_height").get<int>();
  r.recipe_hash = j.at("recipe_hash").get<std::string>();
  r.renderer_version = j.at("renderer_version").get<std::string>();
  r.libvips_version = j.at("libvips_version").get<std::string>();
  r.status = status_from(j.at("status").get<std::string>());
  r.changed = j.at("changed").get<bool>();
  r.requests = j.value("requests", std::uint64_t{0});
  const auto& s = j.at("seconds");
  r.seconds = {s.at("read").get<double>(),   s.at("decode").get<double>(), s.at("transform").get<double>(),
               s.at("encode").get<double>(), s.at("write").get<double>(),  s.value("total", 0.0)};
  r.asset_metadata = j.value("asset_metadata", nlohmann::json());
  r.finished_at = j.value("finished_at", std::string());
  r.error = j.value("error", std::string());
  r.cache_control = j.value("cache_control", std::string());
  r.cdn_cache_control = j.value("cdn_cache_control", std::string());
  r.surrogate_control = j.value("surrogate_control", std::string());
  r.tags = j.value("tags", std::vector<std::string>());
  return r;
}

namespace {

std::vector<RenditionRecord> parse_lines(const std::string& text, std::size_t& bad) {
  std::vector<RenditionRecord> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    try {
      out.push_back(record_from_json(nlohmann::json::parse(line)));
    } catch (const nlohmann::json::exception&) {
      ++bad;
    }
  }
  return out;
}

}  // namespace

std::vector<RenditionRecord> Journal::read(const std::filesystem::path& path, std::size_t* unreadable) {
  std::size_t bad = 0;
  const std::optional<std::string> text = util::read_regular_file(path);
  std::vector<RenditionRecord> out = text ? parse_lines(*text, bad) : std::vector<RenditionRecord>{};
  if (unreadable) *unreadable = bad;
  return out;
}

Journal::Journal(const OutputRoot& root, std::string name)
    : m_root(root), m_name(std::move(name)), m_path(root.path() / m_name) {
  open_for_append();
  const std::string text = util::read_descriptor(m_fd.get(), m_path);
  // A run killed mid-line leaves a torn last line; cut it off (through the descriptor, never the path) so
  // the next append starts a fresh line.
  const auto end = text.rfind('\n');
  m_size = end == std::string::npos ? 0 : end + 1;
  if (m_size != text.size() && ::ftruncate(m_fd.get(), static_cast<off_t>(m_size)) != 0)
    throw std::runtime_error(fmt::format("cannot cut the torn last line of '{}': {}", m_path.string(), std::strerror(errno)));
  for (RenditionRecord& record : parse_lines(text.substr(0, m_size), m_unreadable)) remember(std::move(record));
}

void Journal::open_for_append() { m_fd = open_regular_file(m_root.fd(), m_name, O_RDWR | O_APPEND, m_path); }

void Journal::remember(RenditionRecord record) {
  const std::string key = record.key();
  auto [it, inserted] = m_index.try_emplace(key, m_records.size());
  if (inserted) m_records.push_back(std::move(record));
  else m_records[it->second] = std::move(record);
}

const RenditionRecord* Journal::latest(const std::string& key) const {
  auto it = m_index.find(key);
  return it == m_index.end() ? nullptr : &m_records[it->second];
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
  m_size += line.size();
  remember(record);
}

void Journal::compact() {
  std::string text;
  for (const RenditionRecord& record : m_records) text += to_json(record).dump() + "\n";
  m_root.write(m_name, text);
  open_for_append();
  m_size = text.size();
}

}  // namespace prerender::output
