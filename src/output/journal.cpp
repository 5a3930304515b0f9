#include "output/journal.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

#include "output/atomic_write.hpp"

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
  return r;
}

std::vector<RenditionRecord> Journal::read(const std::filesystem::path& path, std::size_t* unreadable) {
  std::vector<RenditionRecord> out;
  std::ifstream in(path);
  std::string line;
  std::size_t bad = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    try {
      out.push_back(record_from_json(nlohmann::json::parse(line)));
    } catch (const nlohmann::json::exception&) {
      ++bad;
    }
  }
  if (unreadable) *unreadable = bad;
  return out;
}

Journal::Journal(std::filesystem::path path) : m_path(std::move(path)) {
  std::error_code ec;
  std::filesystem::create_directories(m_path.parent_path().empty() ? "." : m_path.parent_path(), ec);
  if (std::filesystem::exists(m_path, ec)) {
    // A run killed mid-line leaves a torn last line; cut it off so the next append starts a fresh line.
    std::string text;
    {
      std::ifstream in(m_path, std::ios::binary);
      text.assign(std::istreambuf_iterator<char>(in), {});
    }
    const auto end = text.rfind('\n');
    const std::size_t keep = end == std::string::npos ? 0 : end + 1;
    if (keep != text.size()) std::filesystem::resize_file(m_path, keep, ec);
    for (RenditionRecord& record : read(m_path, &m_unreadable)) remember(std::move(record));
  }
  m_file = std::fopen(m_path.c_str(), "abe");
  if (!m_file) throw std::runtime_error(fmt::format("cannot open '{}': {}", m_path.string(), std::strerror(errno)));
}

Journal::~Journal() {
  if (m_file) std::fclose(m_file);
}

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
  if (std::fwrite(line.data(), 1, line.size(), m_file) != line.size() || std::fflush(m_file) != 0)
    throw std::runtime_error(fmt::format("cannot append to '{}': {}", m_path.string(), std::strerror(errno)));
  remember(record);
}

void Journal::compact() {
  std::string text;
  for (const RenditionRecord& record : m_records) text += to_json(record).dump() + "\n";
  write_atomically(m_path, text);
  std::fclose(m_file);
  m_file = std::fopen(m_path.c_str(), "abe");
  if (!m_file) throw std::runtime_error(fmt::format("cannot reopen '{}': {}", m_path.string(), std::strerror(errno)));
}

}  // namespace prerender::output
