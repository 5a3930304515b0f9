#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace prerender::publish {

enum class Cdn { fastly, cloudflare, akamai, cloudfront, varnish };
enum class PurgeBy { tag, url };
inline constexpr std::array<std::string_view, 5> k_cdn_names{"fastly", "cloudflare", "akamai", "cloudfront", "varnish"};
std::optional<Cdn> cdn_from(std::string_view name);

// One HTTP request of a purge. A header value may hold "${NAME}": the token from environment variable NAME,
// put in only when the request is sent (never printed or logged).
struct PurgeRequest {
  std::string method, url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::size_t items = 0;  // tags or URLs it purges
};

// How a CDN purges: by tag where it can (CloudFront invalidates paths only), the batch its API takes, and
// the environment variable its token is read from by default.
struct CdnTraits {
  bool tags = true;
  std::size_t batch = 256;     // items a request
  std::size_t max_body = 0;    // bytes a request's body may have (Akamai: 50,000); 0: no limit
  std::string_view token_env;  // "" : no token
  std::string_view default_endpoint_tag, default_endpoint_url;
};
CdnTraits traits(Cdn cdn);

// Gathers tags or URLs and hands each full batch to `emit` as the CDN's request, so that memory holds one
// batch, never the whole purge:
//   fastly      tag: POST {endpoint} with Surrogate-Key: k1 k2 ... (256 a request); url: PURGE <url>, one each
//   cloudflare  POST {endpoint} {"tags": [...]} or {"files": [...]} (30 a request)
//   akamai      POST {endpoint}/ccu/v3/invalidate/{tag|url}/production {"objects": [...]} (at most 50,000 bytes)
//   cloudfront  POST .../invalidation {"Paths": {"Quantity": n, "Items": [paths]}, "CallerReference": ...} (3,000)
//   varnish     PURGE {endpoint} with xkey-purge: k1 k2 ... (256 a request); url: PURGE <path> at the endpoint
// `endpoint` "" takes the CDN's documented address with placeholders (${FASTLY_SERVICE_ID} ...).
class PurgeBatcher {
 public:
  PurgeBatcher(Cdn cdn, PurgeBy by, std::string endpoint, std::string token_env, std::size_t batch,
               std::function<void(PurgeRequest)> emit);
  void add(std::string item);
  void finish();  // emits the last, partial batch
  std::size_t items() const { return m_items; }

 private:
  std::size_t body_size_with(const std::string& item) const;
  void flush();
  PurgeRequest request_for(const std::vector<std::string>& batch) const;

  Cdn m_cdn;
  PurgeBy m_by;
  std::string m_endpoint, m_token_env;
  std::size_t m_batch;
  std::function<void(PurgeRequest)> m_emit;
  std::vector<std::string> m_pending;
  std::size_t m_pending_bytes = 0;
  std::size_t m_items = 0;
};

// The request as one JSON line for --print: method, url, headers (placeholders kept), body.
std::string printable(const PurgeRequest& request);

// The path and query of a URL ("https://a.example/x/y.jpg" -> "/x/y.jpg").
std::string url_path(std::string_view url);

}  // namespace prerender::publish
