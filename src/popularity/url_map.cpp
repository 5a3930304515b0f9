#include "popularity/url_map.hpp"

#include <cstring>
#include <unordered_map>

#include "util/hash.hpp"

namespace prerender::popularity {
namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "https://host:port/path" -> "/path"; a path stays as it is.
std::string_view without_origin(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos || url.find('/') < scheme) return url;
  const std::size_t path = url.find('/', scheme + 3);
  return path == std::string_view::npos ? std::string_view("/") : url.substr(path);
}

}  // namespace

UrlMap::UrlMap(const engine::Plan& plan, std::string_view base_url, const std::vector<output::RenditionRecord>& journal)
    : m_plan(plan) {
  m_base_path = std::string(without_origin(base_url));
  if (m_base_path.empty() || m_base_path.front() != '/') m_base_path.insert(m_base_path.begin(), '/');
  if (m_base_path.back() != '/') m_base_path += '/';
  std::size_t capacity = 16;
  while (capacity < 2 * (plan.rendition_count() + journal.size())) capacity *= 2;
  m_slots.resize(capacity);
  std::unordered_map<std::string_view, std::uint32_t> asset_index;
  for (std::uint32_t a = 0; a < plan.assets.size(); ++a) {
    asset_index.emplace(plan.assets[a].asset->id, a);
    const auto& renditions = plan.assets[a].renditions;
    for (std::uint32_t r = 0; r < renditions.size(); ++r) add(renditions[r].path, {a, r});
  }
  for (const output::RenditionRecord& record : journal) {
    const auto it = asset_index.find(record.asset);
    if (it != asset_index.end() && !record.path.empty()) add(record.path, {it->second, std::nullopt});
  }
}

std::size_t UrlMap::slot_of(std::string_view path, std::uint64_t hash) const {
  const std::size_t mask = m_slots.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = m_slots[i];
    if (slot.entry == k_empty || (slot.hash == hash && m_paths[slot.entry] == path)) return i;
  }
}

std::optional<std::uint32_t> UrlMap::find(std::string_view relative) const {
  const Slot& slot = m_slots[slot_of(relative, util::stable_hash64(relative))];
  if (slot.entry == k_empty) return std::nullopt;
  return slot.entry;
}

void UrlMap::add(std::string path, Entry entry) {
  const std::uint64_t hash = util::stable_hash64(path);
  Slot& slot = m_slots[slot_of(path, hash)];
  if (slot.entry != k_empty) return;  // the plan's own rendition wins over an older journal line
  m_paths.push_back(std::move(path));
  m_entries.push_back(entry);
  slot = {hash, static_cast<std::uint32_t>(m_entries.size() - 1)};
}

std::string_view UrlMap::relative_path(std::string_view url, std::string& scratch) const {
  url = url.substr(0, url.find_first_of("?#"));
  url = without_origin(url);
  if (url.size() >= m_base_path.size() && std::memcmp(url.data(), m_base_path.data(), m_base_path.size()) == 0)
    url.remove_prefix(m_base_path.size());
  else if (!url.empty() && url.front() == '/')
    url.remove_prefix(1);  // the origin serves the output root at '/', whatever the CDN's base URL
  if (url.find('%') == std::string_view::npos) return url;
  scratch.clear();
  for (std::size_t i = 0; i < url.size(); ++i) {
    int high = 0, low = 0;
    if (url[i] == '%' && i + 2 < url.size() && (high = hex(url[i + 1])) >= 0 && (low = hex(url[i + 2])) >= 0) {
      scratch += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      scratch += url[i];
    }
  }
  return scratch;
}

}  // namespace prerender::popularity
