#include "net/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <curl/curl.h>
#include <stdexcept>

namespace prerender::net {

struct HttpClient::Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  curl_slist* connect_to = nullptr;
  std::string body_out;
  Response response;
  bool keep_body = false;
  char error[CURL_ERROR_SIZE] = {};

  Transfer() : easy(curl_easy_init()) {
    if (!easy) throw std::runtime_error("libcurl: cannot create a transfer");
  }
  ~Transfer() {
    reset_lists();
    curl_easy_cleanup(easy);
  }
  void reset_lists() {
    curl_slist_free_all(headers);
    curl_slist_free_all(connect_to);
    headers = connect_to = nullptr;
  }
};

namespace {

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<HttpClient::Transfer*>(user);
  t->response.bytes += size * count;
  if (t->keep_body && t->response.body.size() < (1u << 20)) t->response.body.append(data, size * count);
  return size * count;
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return std::string(text);
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<HttpClient::Transfer*>(user);
  const std::string_view line(data, size * count);
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string value = trimmed(line.substr(colon + 1));
  Response& r = t->response;
  if (name == "x-cache")
    r.x_cache = value;
  else if (name == "cf-cache-status")
    r.cf_cache_status = value;
  else if (name == "age")
    r.age = value;
  else if (name == "x-cache-hits")
    r.x_cache_hits = value;
  else if (name == "x-varnish")
    r.x_varnish = value;
  else if (name == "etag")
    r.etag = value;
  else if (name == "content-type")
    r.content_type = value;
  else if (name == "xkey")
    r.xkey = value;
  else if (name == "surrogate-key")
    r.surrogate_key = value;
  return size * count;
}

}  // namespace

HttpClient::HttpClient(int concurrency, double timeout_seconds, std::string user_agent)
    : m_concurrency(std::max(1, concurrency)), m_timeout(timeout_seconds), m_user_agent(std::move(user_agent)) {
  static const CURLcode global = curl_global_init(CURL_GLOBAL_DEFAULT);  // once per process, before any handle
  if (global != CURLE_OK) throw std::runtime_error("libcurl: cannot initialise");
  m_multi = curl_multi_init();
  if (!m_multi) throw std::runtime_error("libcurl: cannot create the multi handle");
  curl_multi_setopt(m_multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(m_multi, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(m_concurrency));
  curl_multi_setopt(m_multi, CURLMOPT_MAXCONNECTS, static_cast<long>(m_concurrency * 2));
}

HttpClient::~HttpClient() {
  m_idle.clear();
  curl_multi_cleanup(m_multi);
}

bool HttpClient::has_room() const { return m_running < static_cast<std::size_t>(m_concurrency); }
std::size_t HttpClient::in_flight() const { return m_running; }

void HttpClient::start(const Request& request) {
  std::unique_ptr<Transfer> t;
  if (!m_idle.empty()) {
    t = std::move(m_idle.back());
    m_idle.pop_back();
    curl_easy_reset(t->easy);  // keeps the connection and DNS caches
    t->reset_lists();
  } else {
    t = std::make_unique<Transfer>();
  }
  t->response = Response{};
  t->response.tag = request.tag;
  t->keep_body = request.keep_body;
  t->body_out = request.body;
  t->error[0] = '\0';
  CURL* e = t->easy;
  curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(e, CURLOPT_USERAGENT, m_user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);  // wait for a connection that may multiplex rather than open another
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(m_timeout * 1000));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(m_timeout, 10.0) * 1000));
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
  if (request.method != "GET") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (!t->body_out.empty() || request.method == "POST") {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->body_out.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(t->body_out.size()));
  }
  for (const std::string& h : request.headers) t->headers = curl_slist_append(t->headers, h.c_str());
  if (t->headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  if (!request.connect_to.empty()) {
    t->connect_to = curl_slist_append(nullptr, request.connect_to.c_str());
    curl_easy_setopt(e, CURLOPT_CONNECT_TO, t->connect_to);
  }
  curl_multi_add_handle(m_multi, e);
  t.release();  // owned by the multi handle until it finishes (CURLOPT_PRIVATE)
  ++m_running;
}

void HttpClient::poll(int wait_ms, std::vector<Response>& done) {
  int still = 0;
  curl_multi_perform(m_multi, &still);
  if (still > 0 && static_cast<std::size_t>(still) == m_running) {
    curl_multi_poll(m_multi, nullptr, 0, wait_ms, nullptr);
    curl_multi_perform(m_multi, &still);
  }
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(m_multi, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    CURL* e = message->easy_handle;
    Transfer* raw = nullptr;
    curl_easy_getinfo(e, CURLINFO_PRIVATE, reinterpret_cast<char**>(&raw));
    std::unique_ptr<Transfer> t(raw);
    curl_multi_remove_handle(m_multi, e);
    --m_running;
    Response& r = t->response;
    const CURLcode code = message->data.result;
    if (code == CURLE_OK) {
      curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r.status);
    } else {
      r.timed_out = code == CURLE_OPERATION_TIMEDOUT;
      r.error = t->error[0] ? t->error : curl_easy_strerror(code);
    }
    curl_easy_getinfo(e, CURLINFO_TOTAL_TIME, &r.seconds);
    curl_easy_getinfo(e, CURLINFO_HTTP_VERSION, &r.http_version);
    done.push_back(std::move(r));
    m_idle.push_back(std::move(t));
  }
}

}  // namespace prerender::net
