#include "net/s3_store.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <stdexcept>
#include <cerrno>
#include <cstring>
#include <memory>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include "output/root.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

namespace prerender::net {
namespace {

// SHA-256 (hex) of what `read` hands over piece by piece until it returns an empty piece.
template <typename Read>
std::string sha256_hex(Read read) {
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  bool ok = ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1;
  for (std::string_view piece; ok && !(piece = read()).empty();)
    ok = EVP_DigestUpdate(ctx.get(), piece.data(), piece.size()) == 1;
  if (!ok || EVP_DigestFinal_ex(ctx.get(), digest, &size) != 1) throw std::runtime_error("SHA-256 of an upload failed");
  std::string out;
  for (unsigned int i = 0; i < size; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  return sha256_hex([&, done = false]() mutable -> std::string_view {
    if (done) return {};
    done = true;
    return bytes;
  });
}

// A key or query value percent-encoded as SigV4 canonicalises it ('/' kept in keys).
std::string encoded(std::string_view text, bool keep_slash) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/'))
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

// The text of <tag>...</tag> in an S3 XML reply, or "".
std::string xml_field(const std::string& body, const std::string& tag, std::size_t from = 0,
                      std::size_t* end = nullptr) {
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  const std::size_t start = body.find(open, from);
  if (start == std::string::npos) return "";
  const std::size_t stop = body.find(close, start);
  if (stop == std::string::npos) return "";
  if (end) *end = stop + close.size();
  return body.substr(start + open.size(), stop - start - open.size());
}

// The body of a request without one.
const S3Store::Payload& empty() {
  static const S3Store::Payload none{{}, -1, 0, sha256_hex(std::string_view())};
  return none;
}

bool retryable(const S3Store::Reply& reply) { return reply.status == 0 || reply.status == 429 || reply.status >= 500; }

struct Upload {
  std::string_view rest;  // or, with fd >= 0, `remaining` bytes from `offset`
  int fd = -1;
  std::uint64_t offset = 0, remaining = 0;
};

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  if (upload->fd >= 0) {
    const ssize_t n = ::pread(upload->fd, buffer, std::min<std::uint64_t>(size * count, upload->remaining),
                              static_cast<off_t>(upload->offset));
    if (n < 0 || (n == 0 && upload->remaining > 0)) return CURL_READFUNC_ABORT;
    upload->offset += static_cast<std::uint64_t>(n);
    upload->remaining -= static_cast<std::uint64_t>(n);
    return static_cast<std::size_t>(n);
  }
  const std::size_t n = std::min(size * count, upload->rest.size());
  std::copy_n(upload->rest.data(), n, buffer);
  upload->rest.remove_prefix(n);
  return n;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<S3Store::Reply*>(user)->body.append(data, size * count);
  return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  const std::string_view line(data, size * count);
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string value(line.substr(colon + 1));
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.erase(0, 1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
  static_cast<S3Store::Reply*>(user)->headers[name] = value;
  return size * count;
}

}  // namespace

S3Store::S3Store(S3Config config) : m_config(std::move(config)) { curl_global_init(CURL_GLOBAL_DEFAULT); }

S3Store::~S3Store() {
  for (void* easy : m_idle) curl_easy_cleanup(static_cast<CURL*>(easy));
}

std::string S3Store::describe(const std::string& key) const {
  return fmt::format("s3://{}/{}{}", m_config.bucket, m_config.prefix, key);
}

std::string S3Store::bucket_url() const {
  if (m_config.path_style) return m_config.endpoint + "/" + m_config.bucket;
  const std::size_t scheme = m_config.endpoint.find("://");
  return m_config.endpoint.substr(0, scheme + 3) + m_config.bucket + "." + m_config.endpoint.substr(scheme + 3);
}

std::string S3Store::object_url(const std::string& key) const {
  return bucket_url() + "/" + encoded(m_config.prefix + key, true);
}

output::StoreCounts S3Store::counts() const {
  return {m_puts.load(), m_put_bytes.load(), m_heads.load(), m_unchanged.load(), m_retries.load()};
}

S3Store::Reply S3Store::attempt(const std::string& method, const std::string& url, const Payload& body,
                                const output::ObjectHeaders& headers) {
  CURL* easy = nullptr;
  {
    const std::lock_guard lock(m_mutex);
    if (!m_idle.empty()) {
      easy = static_cast<CURL*>(m_idle.back());
      m_idle.pop_back();
    }
  }
  if (!easy) easy = curl_easy_init();
  if (!easy) throw util::RetryableError("libcurl: cannot create a transfer");
  curl_easy_reset(easy);
  Reply reply;
  Upload upload{body.bytes, body.fd, 0, body.fd >= 0 ? body.size : body.bytes.size()};
  curl_slist* list = nullptr;
  for (const auto& [name, value] : headers) list = curl_slist_append(list, (name + ": " + value).c_str());
  list = curl_slist_append(list, ("x-amz-content-sha256: " + body.sha256).c_str());
  if (!m_config.session_token.empty())
    list = curl_slist_append(list, ("x-amz-security-token: " + m_config.session_token).c_str());
  const std::string sigv4 = "aws:amz:" + m_config.region + ":s3";
  const std::string user = m_config.access_key + ":" + m_config.secret_key;
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_AWS_SIGV4, sigv4.c_str());
  curl_easy_setopt(easy, CURLOPT_USERPWD, user.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(m_config.timeout_seconds * 1000));
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &reply);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &reply);
  if (method == "PUT") {
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(easy, CURLOPT_READDATA, &upload);
    curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(upload.remaining));
  } else if (method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  }
  const CURLcode code = curl_easy_perform(easy);
  if (code == CURLE_OK)
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &reply.status);
  else
    reply.error = error[0] ? error : curl_easy_strerror(code);
  curl_slist_free_all(list);
  const std::lock_guard lock(m_mutex);
  m_idle.push_back(easy);
  return reply;
}

S3Store::Reply S3Store::send(const std::string& method, const std::string& url, const Payload& body,
                             const output::ObjectHeaders& headers) {
  double backoff = m_config.first_backoff_seconds;
  for (int i = 1;; ++i) {
    Reply reply = attempt(method, url, body, headers);
    if (!retryable(reply) || i >= m_config.attempts) return reply;
    ++m_retries;
    std::this_thread::sleep_for(std::chrono::duration<double>(backoff));
    backoff *= 2;
  }
}

void S3Store::fail(const std::string& what, const std::string& key, const Reply& reply) {
  std::string reason;
  if (reply.status == 0)
    reason = reply.error;
  else {
    const std::string code = xml_field(reply.body, "Code"), message = xml_field(reply.body, "Message");
    reason =
        fmt::format("HTTP {}{}{}", reply.status, code.empty() ? "" : " " + code, message.empty() ? "" : ": " + message);
  }
  const bool repeatable = retryable(reply);
  if (!repeatable) m_refused = true;
  throw util::RetryableError(fmt::format("the store refused {} {}: {}{}", what, describe(key), reason,
                                         repeatable ? fmt::format(" (after {} attempts)", m_config.attempts) : ""));
}

void S3Store::put(const std::string& key, std::string_view bytes, const output::ObjectHeaders& headers) {
  const Reply reply = send("PUT", object_url(key), Payload{bytes, -1, 0, sha256_hex(bytes)}, headers);
  if (reply.status < 200 || reply.status >= 300) fail("PUT", key, reply);
  ++m_puts;
  m_put_bytes += bytes.size();
}

void S3Store::put_file(const std::string& key, const std::filesystem::path& file,
                       const output::ObjectHeaders& headers) {
  const int raw = util::open_regular_file(file);
  if (raw < 0) return;
  const output::UniqueFd fd(raw);
  struct stat st {};
  if (::fstat(raw, &st) != 0)
    throw util::RetryableError(fmt::format("cannot read '{}': {}", file.string(), std::strerror(errno)));
  Payload body{{}, raw, static_cast<std::uint64_t>(st.st_size), {}};
  std::string buffer(1 << 16, '\0');
  std::uint64_t offset = 0;
  body.sha256 = sha256_hex([&]() -> std::string_view {
    const ssize_t n = ::pread(raw, buffer.data(), std::min<std::uint64_t>(buffer.size(), body.size - offset),
                              static_cast<off_t>(offset));
    if (n < 0) throw util::RetryableError(fmt::format("cannot read '{}': {}", file.string(), std::strerror(errno)));
    offset += static_cast<std::uint64_t>(n);
    return {buffer.data(), static_cast<std::size_t>(n)};
  });
  const Reply reply = send("PUT", object_url(key), body, headers);
  if (reply.status < 200 || reply.status >= 300) fail("PUT", key, reply);
}

std::string S3Store::stored_hash(const std::string& key) {
  ++m_heads;
  const Reply reply = send("HEAD", object_url(key), empty(), {});
  if (reply.status == 404) return "";
  if (reply.status < 200 || reply.status >= 300) fail("HEAD", key, reply);
  const auto found = reply.headers.find(std::string(output::k_content_hash_meta));
  return found == reply.headers.end() ? "" : found->second;
}

std::optional<std::string> S3Store::get(const std::string& key) {
  Reply reply = send("GET", object_url(key), empty(), {});
  if (reply.status == 404) return std::nullopt;
  if (reply.status < 200 || reply.status >= 300) fail("GET", key, reply);
  return std::move(reply.body);
}

std::vector<std::string> S3Store::list(const std::string& prefix) {
  std::vector<std::string> out;
  std::string token;
  do {
    // The query's parameters in SigV4's canonical (sorted) order.
    const std::string query = (token.empty() ? "" : "continuation-token=" + encoded(token, false) + "&") +
                              "list-type=2&prefix=" + encoded(m_config.prefix + prefix, false);
    const Reply reply = send("GET", bucket_url() + "/?" + query, empty(), {});
    if (reply.status < 200 || reply.status >= 300) fail("LIST", prefix, reply);
    std::size_t at = 0, end = 0;
    for (std::string key; !(key = xml_field(reply.body, "Key", at, &end)).empty(); at = end)
      if (key.rfind(m_config.prefix, 0) == 0) out.push_back(key.substr(m_config.prefix.size()));
    token = xml_field(reply.body, "IsTruncated") == "true" ? xml_field(reply.body, "NextContinuationToken") : "";
  } while (!token.empty());
  return out;
}

}  // namespace prerender::net
