#include "net/warm.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <thread>
#include <unordered_map>

#include "net/http_client.hpp"
#include "net/latency.hpp"
#include "publish/streams.hpp"
#include "util/system.hpp"
#include "util/version.hpp"

namespace prerender::net {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::string_view authority_end(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return url.substr(0, 0);
  const auto slash = url.find('/', scheme + 3);
  return url.substr(0, slash == std::string_view::npos ? url.size() : slash);
}

// One request to make: a listed URL at one edge.
struct Item {
  std::string url;
  std::size_t edge = 0;
  int attempts = 0;
  Clock::time_point ready;
  std::string last_error;
};

bool retryable(const Response& r) { return r.status == 0 || r.status == 429 || r.status >= 500; }

std::string failure_reason(const Response& r) {
  if (r.status == 0) return r.error;
  return fmt::format("HTTP {}", r.status);
}

std::size_t count_lines(const std::filesystem::path& list, std::optional<std::size_t> top) {
  publish::LineReader reader(list);
  std::string line;
  std::size_t n = 0;
  while ((!top || n < *top) && reader.next(line)) ++n;
  return n;
}

class Warmer {
 public:
  Warmer(const WarmOptions& o, const WarmCallbacks& c)
      : m_o(o),
        m_c(c),
        m_client(o.concurrency, o.timeout_seconds, fmt::format("prerender-warm/{}", util::k_version)),
        m_reader(o.list),
        m_edges(o.edges.empty() ? std::vector<std::string>{""} : o.edges) {}

  WarmResult run() {
    const std::size_t lines = count_lines(m_o.list, m_o.top);
    m_total = lines * m_edges.size();
    if (m_c.on_start) m_c.on_start(m_total);
    m_start = Clock::now();
    std::vector<Response> done;
    for (;;) {
      admit();
      if (m_client.in_flight() == 0 && (stopping() || (m_exhausted && m_retries.empty()))) break;
      if (m_client.in_flight() == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(std::max(1, wait_ms())));
      else
        m_client.poll(std::max(1, std::min(100, wait_ms())), done);
      for (Response& r : done) finish(std::move(r));
      done.clear();
    }
    for (const Item& item : m_retries) give_up(item);
    return summary(lines);
  }

 private:
  bool stopping() {
    if (m_o.signal && m_o.signal->load() != 0) m_result.signal = m_o.signal->load();
    if (m_o.deadline_seconds && since(m_start) >= *m_o.deadline_seconds) m_result.deadline_reached = true;
    return m_result.signal != 0 || m_result.deadline_reached;
  }

  // Milliseconds until something could start: a retry's backoff or the rate limit.
  int wait_ms() const {
    double wait = 0.1;
    const auto now = Clock::now();
    for (const Item& item : m_retries) wait = std::min(wait, std::chrono::duration<double>(item.ready - now).count());
    if (m_o.rate > 0) wait = std::min(wait, std::max(0.0, m_started / m_o.rate - since(m_start)));
    return static_cast<int>(std::ceil(std::max(0.0, wait) * 1000));
  }

  bool rate_allows() const { return m_o.rate <= 0 || m_started < m_o.rate * since(m_start); }

  std::optional<Item> next_item() {
    const auto now = Clock::now();
    auto ready = std::min_element(m_retries.begin(), m_retries.end(),
                                  [](const Item& a, const Item& b) { return a.ready < b.ready; });
    if (ready != m_retries.end() && ready->ready <= now) {
      Item item = std::move(*ready);
      m_retries.erase(ready);
      return item;
    }
    if (m_exhausted) return std::nullopt;
    if (m_edge_next == 0) {
      if ((m_o.top && m_lines_read >= *m_o.top) || !m_reader.next(m_line)) {
        m_exhausted = true;
        return std::nullopt;
      }
      ++m_lines_read;
    }
    Item item{target_url(m_o.cdn, m_line), m_edge_next, 0, now, {}};
    m_edge_next = (m_edge_next + 1) % m_edges.size();
    return item;
  }

  void admit() {
    while (m_client.has_room() && !stopping() && rate_allows()) {
      std::optional<Item> item = next_item();
      if (!item) return;
      Request request;
      request.url = item->url;
      if (!m_edges[item->edge].empty()) request.connect_to = "::" + m_edges[item->edge];
      request.tag = m_next_tag++;
      ++item->attempts;
      m_client.start(request);
      m_in_flight.emplace(request.tag, std::move(*item));
      ++m_started;
    }
  }

  void finish(Response&& r) {
    auto found = m_in_flight.find(r.tag);
    Item item = std::move(found->second);
    m_in_flight.erase(found);
    ++m_result.requests;
    if (retryable(r) && item.attempts <= m_o.retries && !stopping()) {
      ++m_result.retries;
      item.last_error = failure_reason(r);
      const double backoff = std::min(8.0, m_o.backoff_seconds * std::pow(2.0, item.attempts - 1));
      item.ready = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(backoff));
      m_retries.push_back(std::move(item));
      return;
    }
    UrlResult u;
    u.url = item.url;
    u.edge = m_edges[item.edge];
    u.status = r.status;
    u.bytes = r.bytes;
    u.seconds = r.seconds;
    u.attempts = item.attempts;
    u.http_version = r.http_version;
    u.cache = cache_status(r.x_cache, r.cf_cache_status, r.x_cache_hits, r.age);
    const bool ok = r.status >= 200 && r.status < 400;
    if (!ok)
      u.error = fmt::format("{} after {} attempt{}", failure_reason(r), item.attempts, item.attempts == 1 ? "" : "s");
    record(u);
  }

  // A URL waiting for its retry when the deadline or a signal stopped the warm.
  void give_up(const Item& item) {
    UrlResult u;
    u.url = item.url;
    u.edge = m_edges[item.edge];
    u.attempts = item.attempts;
    u.error = fmt::format("{} after {} attempt{}; not retried: stopped", item.last_error, item.attempts,
                          item.attempts == 1 ? "" : "s");
    record(u);
  }

  void record(const UrlResult& u) {
    if (u.ok()) {
      ++m_result.ok;
      m_result.bytes += u.bytes;
      m_latency.add(u.seconds);
      if (u.cache == CacheStatus::hit)
        ++m_result.hits;
      else if (u.cache == CacheStatus::miss)
        ++m_result.misses;
      else
        ++m_result.unknown;
    } else {
      ++m_result.failed;
    }
    ++m_done;
    if (m_c.on_url) m_c.on_url(u, m_done, m_result.failed);
  }

  WarmResult summary(std::size_t lines) {
    WarmResult& r = m_result;
    r.wall_seconds = since(m_start);
    r.not_started = m_total > m_done ? m_total - m_done : 0;
    const double rate = r.wall_seconds > 0 ? static_cast<double>(r.requests) / r.wall_seconds : 0;
    r.summary_json = {{"cdn", m_o.cdn},
                      {"edges", m_o.edges},
                      {"list", m_o.list.string()},
                      {"urls", lines},
                      {"requests", r.requests},
                      {"results",
                       {{"ok", r.ok},
                        {"hit", r.hits},
                        {"miss", r.misses},
                        {"unknown", r.unknown},
                        {"failed", r.failed},
                        {"not_started", r.not_started}}},
                      {"retries", r.retries},
                      {"bytes", r.bytes},
                      {"latency_seconds",
                       {{"p50", m_latency.quantile(0.5)}, {"p95", m_latency.quantile(0.95)}, {"max", m_latency.max()}}},
                      {"wall_seconds", r.wall_seconds},
                      {"requests_per_second", rate},
                      {"concurrency", m_o.concurrency},
                      {"deadline_reached", r.deadline_reached},
                      {"peak_rss_bytes", util::peak_rss_bytes()},
                      {"renderer_version", util::k_version}};
    r.summary = fmt::format(
        "warm: {} URLs{}: {} hits, {} misses, {} unknown, {} failed{}; {} retries; p50 {:.1f} ms, p95 {:.1f} ms; "
        "{:.0f} requests/s",
        lines, m_edges.size() > 1 ? fmt::format(" x {} edges", m_edges.size()) : "", r.hits, r.misses, r.unknown,
        r.failed, r.not_started ? fmt::format(", {} not started", r.not_started) : "", r.retries,
        m_latency.quantile(0.5) * 1000, m_latency.quantile(0.95) * 1000, rate);
    return r;
  }

  const WarmOptions& m_o;
  const WarmCallbacks& m_c;
  HttpClient m_client;
  publish::LineReader m_reader;
  std::vector<std::string> m_edges;
  std::string m_line;
  std::size_t m_edge_next = 0, m_lines_read = 0, m_total = 0, m_done = 0;
  bool m_exhausted = false;
  double m_started = 0;
  std::uint64_t m_next_tag = 1;
  std::unordered_map<std::uint64_t, Item> m_in_flight;
  std::vector<Item> m_retries;
  LatencyHistogram m_latency;
  Clock::time_point m_start;
  WarmResult m_result;
};

}  // namespace

std::string target_url(std::string_view cdn, std::string_view listed) {
  std::string base(authority_end(cdn));
  if (base.empty()) base = std::string(cdn);
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string_view listed_authority = authority_end(listed);
  std::string_view path = listed.substr(listed_authority.size());
  if (path.empty() || path.front() != '/') return base + "/" + std::string(path);
  return base + std::string(path);
}

std::optional<std::string> cdn_problem(std::string_view cdn) {
  if (cdn.rfind("http://", 0) != 0 && cdn.rfind("https://", 0) != 0)
    return fmt::format("'{}' is not an http:// or https:// URL", cdn);
  if (authority_end(cdn).size() <= cdn.find("://") + 3) return fmt::format("'{}' names no host", cdn);
  return std::nullopt;
}

std::optional<std::string> edge_problem(std::string_view edge) {
  const auto colon = edge.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == edge.size())
    return fmt::format("'{}' is not HOST:PORT", edge);
  const std::string_view port = edge.substr(colon + 1);
  if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) || port.size() > 5 ||
      std::stoi(std::string(port)) == 0 || std::stoi(std::string(port)) > 65535)
    return fmt::format("'{}' has no valid port", edge);
  return std::nullopt;
}

WarmResult warm(const WarmOptions& options, const WarmCallbacks& callbacks) { return Warmer(options, callbacks).run(); }

}  // namespace prerender::net
