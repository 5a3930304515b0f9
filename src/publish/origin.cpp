#include "publish/origin.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

#include "publish/headers.hpp"

namespace prerender::publish {
namespace {

// The maps, in the order of OriginWriter's row values.
constexpr std::array<std::string_view, 6> k_variables{
    "prerender_tags",          "prerender_tags_commas",       "prerender_etag",
    "prerender_cache_control", "prerender_cdn_cache_control", "prerender_surrogate_control"};
constexpr std::size_t k_per_uri_columns = 3;  // tags and ETag: no default worth having

// A string in double quotes for nginx: '"' and '\' escaped. Paths are checked (no control characters) and
// header values and tags are in grammars without '$', quotes or ';', so nothing else needs escaping.
std::string nginx_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::size_t next_power_of_two(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p *= 2;
  return p;
}

std::string most_common(const std::vector<std::pair<std::string, std::array<std::string, 6>>>& rows,
                        std::size_t column) {
  std::map<std::string, std::size_t> counts;
  for (const auto& row : rows) ++counts[row.second[column]];
  std::string best;
  std::size_t best_count = 0;
  for (const auto& [value, count] : counts)
    if (count > best_count) best = value, best_count = count;
  return best;
}

}  // namespace

std::string url_prefix(std::string_view base_url) {
  std::string_view rest = base_url;
  if (const auto scheme = rest.find("://"); scheme != std::string_view::npos) {
    rest.remove_prefix(scheme + 3);
    const auto slash = rest.find('/');
    rest = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  }
  std::string out(rest);
  if (out.empty() || out.front() != '/') out.insert(out.begin(), '/');
  if (out.back() != '/') out += '/';
  return out;
}

OriginWriter::OriginWriter(std::string_view base_url, std::string root)
    : m_prefix(url_prefix(base_url)), m_root(std::move(root)) {}

void OriginWriter::add(const output::RenditionRecord& r) {
  if (r.status == output::Status::failed) return;
  ++m_out.renditions;
  if (r.tags.empty()) ++m_out.untagged;
  // nginx matches $uri: the decoded path, so the file's own path, not the percent-encoded URL.
  m_rows.push_back({m_prefix + r.path,
                    {joined(r.tags, " "), joined(r.tags, ","), etag_header(r), r.cache_control, r.cdn_cache_control,
                     r.surrogate_control}});
  nlohmann::json headers{{"Content-Type", r.content_type}, {"Cache-Control", r.cache_control}};
  if (!r.cdn_cache_control.empty()) headers["CDN-Cache-Control"] = r.cdn_cache_control;
  if (!r.surrogate_control.empty()) headers["Surrogate-Control"] = r.surrogate_control;
  headers["x-amz-meta-surrogate-key"] = joined(r.tags, " ");
  headers["x-amz-meta-cache-tag"] = joined(r.tags, ",");
  const nlohmann::json line{{"path", r.path},         {"url", r.url},
                            {"etag", etag_header(r)}, {"content_type", r.content_type},
                            {"tags", r.tags},         {"headers", headers}};
  m_out.sidecar += line.dump() + "\n";
}

OriginFiles OriginWriter::finish() {
  std::size_t longest = 0;
  for (const auto& row : m_rows) longest = std::max(longest, row.first.size());
  std::string& http = m_out.http_conf;
  http = fmt::format("# prerender publish-config: {} renditions. Include in nginx's http block.\n", m_out.renditions);
  // nginx sizes a map's hash from these: a bucket must hold the longest key, the table every key.
  http += fmt::format("map_hash_bucket_size {};\nmap_hash_max_size {};\n",
                      std::max<std::size_t>(128, next_power_of_two(longest + 16)),
                      std::max<std::size_t>(2048, next_power_of_two(m_rows.size() * 2)));
  for (std::size_t column = 0; column < k_variables.size(); ++column) {
    const std::string fallback = column < k_per_uri_columns ? std::string() : most_common(m_rows, column);
    http += fmt::format("map $uri ${} {{\n    default {};\n", k_variables[column], nginx_string(fallback));
    for (const auto& [uri, values] : m_rows)
      if (values[column] != fallback)
        http += fmt::format("    {} {};\n", nginx_string(uri), nginx_string(values[column]));
    http += "}\n";
  }
  m_out.server_conf = fmt::format(
      "# prerender publish-config: include in the server block that serves {}.\n"
      "location {} {{\n"
      "    {};\n"
      "    types {{ image/jpeg jpg jpeg; image/png png; image/webp webp; image/avif avif; image/heic heic;\n"
      "             image/jxl jxl; image/gif gif; }}\n"
      "    default_type application/octet-stream;\n"
      "    # Only the renditions the journal lists: not the journal, lists, lock or temporary files.\n"
      "    if ($prerender_etag = \"\") {{ return 404; }}\n"
      "    etag off;  # nginx's own is weak (mtime and size); this one is the content hash\n"
      "    add_header ETag $prerender_etag;\n"
      "    add_header Cache-Control $prerender_cache_control;\n"
      "    add_header CDN-Cache-Control $prerender_cdn_cache_control;\n"
      "    add_header Surrogate-Control $prerender_surrogate_control;\n"
      "    add_header Surrogate-Key $prerender_tags;\n"
      "    add_header xkey $prerender_tags;\n"
      "    add_header Cache-Tag $prerender_tags_commas;\n"
      "    add_header Edge-Cache-Tag $prerender_tags_commas;\n"
      "}}\n",
      m_prefix, m_prefix, m_prefix == "/" ? "root " + nginx_string(m_root) : "alias " + nginx_string(m_root + "/"));
  return std::move(m_out);
}

}  // namespace prerender::publish
