#include "publish/purge.hpp"

#include <chrono>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace prerender::publish {

std::optional<Cdn> cdn_from(std::string_view name) {
  for (std::size_t i = 0; i < k_cdn_names.size(); ++i)
    if (k_cdn_names[i] == name) return static_cast<Cdn>(i);
  return std::nullopt;
}

CdnTraits traits(Cdn cdn) {
  switch (cdn) {
    case Cdn::fastly:  // POST /service/{id}/purge takes up to 256 surrogate keys
      return {true, 256, 0, "FASTLY_API_TOKEN", "https://api.fastly.com/service/${FASTLY_SERVICE_ID}/purge", ""};
    case Cdn::cloudflare:  // purge_cache: 30 tags or files a call on every plan
      return {true,
              30,
              0,
              "CLOUDFLARE_API_TOKEN",
              "https://api.cloudflare.com/client/v4/zones/${CLOUDFLARE_ZONE_ID}/purge_cache",
              "https://api.cloudflare.com/client/v4/zones/${CLOUDFLARE_ZONE_ID}/purge_cache"};
    case Cdn::akamai:  // Fast Purge v3: a body of at most 50,000 bytes
      return {true,
              10000,
              50000,
              "",
              "https://${AKAMAI_HOST}/ccu/v3/invalidate/tag/production",
              "https://${AKAMAI_HOST}/ccu/v3/invalidate/url/production"};
    case Cdn::cloudfront:  // CreateInvalidation: paths only, 3,000 a batch
      return {
          false, 3000,
          0,     "",
          "",    "https://cloudfront.amazonaws.com/2020-05-31/distribution/${CLOUDFRONT_DISTRIBUTION_ID}/invalidation"};
    case Cdn::varnish:  // xkey.purge takes a space-separated list
      return {true, 256, 0, "", "", ""};
  }
  return {};
}

std::string url_path(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const auto slash = url.find('/', scheme + 3);
  return slash == std::string_view::npos ? std::string("/") : std::string(url.substr(slash));
}

PurgeBatcher::PurgeBatcher(Cdn cdn, PurgeBy by, std::string endpoint, std::string token_env, std::size_t batch,
                           std::function<void(PurgeRequest)> emit)
    : m_cdn(cdn),
      m_by(by),
      m_endpoint(std::move(endpoint)),
      m_token_env(std::move(token_env)),
      m_batch(batch ? batch : traits(cdn).batch),
      m_emit(std::move(emit)) {
  if (m_endpoint.empty())
    m_endpoint = std::string(by == PurgeBy::tag ? traits(cdn).default_endpoint_tag : traits(cdn).default_endpoint_url);
  // One URL a request where the API purges one object per call.
  if (by == PurgeBy::url && (cdn == Cdn::fastly || cdn == Cdn::varnish)) m_batch = 1;
}

std::size_t PurgeBatcher::body_size_with(const std::string& item) const { return m_pending_bytes + item.size() + 3; }

void PurgeBatcher::add(std::string item) {
  ++m_items;
  const std::size_t max_body = traits(m_cdn).max_body;
  if (max_body && !m_pending.empty() && body_size_with(item) + 32 > max_body) flush();
  m_pending_bytes += item.size() + 3;  // quotes and comma
  m_pending.push_back(std::move(item));
  if (m_pending.size() >= m_batch) flush();
}

void PurgeBatcher::finish() {
  if (!m_pending.empty()) flush();
}

void PurgeBatcher::flush() {
  m_emit(request_for(m_pending));
  m_pending.clear();
  m_pending_bytes = 0;
}

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

}  // namespace

PurgeRequest PurgeBatcher::request_for(const std::vector<std::string>& batch) const {
  PurgeRequest r;
  r.items = batch.size();
  const bool tags = m_by == PurgeBy::tag;
  const std::string token = m_token_env.empty() ? std::string() : "${" + m_token_env + "}";
  switch (m_cdn) {
    case Cdn::fastly:
      r.method = tags ? "POST" : "PURGE";
      r.url = tags ? m_endpoint : batch.front();
      if (tags) r.headers.emplace_back("Surrogate-Key", joined(batch));
      if (!token.empty()) r.headers.emplace_back("Fastly-Key", token);
      break;
    case Cdn::cloudflare:
      r.method = "POST";
      r.url = m_endpoint;
      r.headers.emplace_back("Content-Type", "application/json");
      if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
      r.body = nlohmann::json{{tags ? "tags" : "files", batch}}.dump();
      break;
    case Cdn::akamai:
      r.method = "POST";
      r.url = m_endpoint;
      r.headers.emplace_back("Content-Type", "application/json");
      r.body = nlohmann::json{{"objects", batch}}.dump();
      break;
    case Cdn::cloudfront: {
      std::vector<std::string> paths;
      for (const std::string& url : batch) paths.push_back(url_path(url));
      r.method = "POST";
      r.url = m_endpoint;
      r.headers.emplace_back("Content-Type", "application/json");
      const auto now = std::chrono::system_clock::now().time_since_epoch();
      r.body =
          nlohmann::json{
              {"Paths", {{"Quantity", paths.size()}, {"Items", paths}}},
              {"CallerReference",
               fmt::format("prerender-{}", std::chrono::duration_cast<std::chrono::milliseconds>(now).count())}}
              .dump();
      break;
    }
    case Cdn::varnish:
      r.method = "PURGE";
      r.url = tags ? m_endpoint : m_endpoint + url_path(batch.front()).substr(m_endpoint.ends_with('/') ? 1 : 0);
      if (tags) r.headers.emplace_back("xkey-purge", joined(batch));
      if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
      break;
  }
  return r;
}

std::string printable(const PurgeRequest& r) {
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& [name, value] : r.headers) headers[name] = value;
  nlohmann::json line{{"method", r.method}, {"url", r.url}, {"headers", headers}, {"items", r.items}};
  if (!r.body.empty()) line["body"] = nlohmann::json::parse(r.body);
  return line.dump();
}

}  // namespace prerender::publish
