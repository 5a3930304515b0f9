#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace prerender::net {

struct Request {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  std::string connect_to;  // "" or libcurl's CONNECT_TO "host:port:edge-host:edge-port"
  bool keep_body = false;  // false: only count the bytes (warm)
  std::uint64_t tag = 0;   // the caller's, handed back in the Response
};

struct Response {
  std::uint64_t tag = 0;
  long status = 0;  // 0: no HTTP response (see error)
  bool timed_out = false;
  std::string error;        // libcurl's reason when the transfer failed
  std::uint64_t bytes = 0;  // body bytes received
  double seconds = 0;       // total transfer time
  long http_version = 0;    // libcurl's CURL_HTTP_VERSION_*: 2 = HTTP/1.1, 3 = HTTP/2, 30 = HTTP/3
  std::string body;         // with keep_body
  // The response headers warm and purge read (names lowercased, last value wins).
  std::string x_cache, cf_cache_status, age, x_cache_hits, x_varnish, etag, content_type, xkey, surrogate_key;
};

// libcurl's multi interface: up to `concurrency` transfers at once over kept-alive connections (HTTP/2
// multiplexed where TLS offers it), each with a whole-transfer time limit. Not thread-safe: one thread
// adds and collects.
class HttpClient {
 public:
  HttpClient(int concurrency, double timeout_seconds, std::string user_agent);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  bool has_room() const;
  std::size_t in_flight() const;
  // Starts a transfer. Precondition: has_room().
  void start(const Request& request);
  // Drives the transfers for up to `wait_ms` and moves the finished ones into `done`.
  void poll(int wait_ms, std::vector<Response>& done);

  struct Transfer;  // one easy handle and what it gathers (http_client.cpp)

 private:
  void* m_multi = nullptr;
  int m_concurrency;
  double m_timeout;
  std::string m_user_agent;
  std::vector<std::unique_ptr<Transfer>> m_idle;  // easy handles kept for reuse
  std::size_t m_running = 0;
};

}  // namespace prerender::net
