#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <optional>

#include "cli/context.hpp"
#include "cli/signals.hpp"
#include "manifest/manifest.hpp"
#include "net/warm.hpp"
#include "output/root.hpp"
#include "report/event_log.hpp"
#include "report/progress.hpp"
#include "report/warm_metrics.hpp"
#include "util/units.hpp"

namespace prerender::cli {
namespace {

struct WarmCommand {
  std::string file, cdn, list, timeout = "30s", deadline;
  std::vector<std::string> edges;
  std::optional<std::size_t> top;
  bool changed = false, quiet = false;
  int concurrency = 32, retries = 3;
  double rate = 0;
  std::string log_format = "text", log_file, progress_flag = "auto", metrics_file;

  // Throws CLI::ValidationError on a bad flag.
  net::WarmOptions options(const manifest::Manifest& manifest) const {
    net::WarmOptions o;
    if (const auto problem = net::cdn_problem(cdn)) throw CLI::ValidationError("--cdn", *problem);
    for (const std::string& edge : edges)
      if (const auto problem = net::edge_problem(edge)) throw CLI::ValidationError("--edge", *problem);
    o.cdn = cdn;
    o.edges = edges;
    o.list =
        !list.empty() ? std::filesystem::path(list) : manifest.output.root / (changed ? "changed.txt" : "urls.txt");
    o.top = top;
    o.concurrency = concurrency;
    o.rate = rate;
    o.retries = retries;
    const auto t = util::parse_duration(timeout);
    if (!t || *t <= 0) throw CLI::ValidationError("--timeout", "must be a duration such as 10s");
    o.timeout_seconds = *t;
    if (!deadline.empty()) {
      o.deadline_seconds = util::parse_duration(deadline);
      if (!o.deadline_seconds) throw CLI::ValidationError("--deadline", "must be a duration such as 10m");
    }
    return o;
  }

  void execute(Context& context) const;
};

std::string url_line(const net::UrlResult& u) {
  const std::string where = u.edge.empty() ? "" : fmt::format(" via {}", u.edge);
  if (!u.ok()) return fmt::format("prerender: failed: {}{}: {}", u.url, where, u.error);
  return fmt::format("{} {}{}  {} bytes  {:.1f} ms  {}", u.status, u.url, where, u.bytes, u.seconds * 1000,
                     net::name(u.cache));
}

// libcurl's CURL_HTTP_VERSION_* as the protocol's own number.
std::string_view http_version(long curl_version) {
  switch (curl_version) {
    case 1: return "1.0";
    case 2: return "1.1";
    case 3: return "2";
    case 30: return "3";
  }
  return "";
}

nlohmann::json url_event(const net::UrlResult& u) {
  nlohmann::json e{{"url", u.url},
                   {"status", u.status},
                   {"bytes", u.bytes},
                   {"seconds", u.seconds},
                   {"cache", net::name(u.cache)},
                   {"attempts", u.attempts},
                   {"http_version", http_version(u.http_version)}};
  if (!u.edge.empty()) e["edge"] = u.edge;
  if (!u.ok()) e["error"] = u.error;
  return e;
}

// --log-file opened for appending; null without one. Throws CLI::ValidationError when it cannot be opened.
std::unique_ptr<std::FILE, int (*)(std::FILE*)> open_log_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(nullptr, &std::fclose);
  if (path.empty()) return out;
  try {
    out.reset(output::open_for_appending(path));
  } catch (const std::exception& e) {
    throw CLI::ValidationError("--log-file", e.what());
  }
  return out;
}

// Writes the metrics file, if asked for, and tells the exit code: interrupted, some URLs not warm, or all.
ExitCode finish_warm(const net::WarmResult& result, const std::string& metrics_file) {
  const bool success = result.failed == 0 && result.not_started == 0 && result.signal == 0;
  if (!metrics_file.empty()) {
    try {
      report::write_warm_metrics_file(metrics_file, result.summary_json, success);
    } catch (const std::exception& e) {
      fmt::print(stderr, "prerender: cannot write the metrics file: {}\n", e.what());
    }
  }
  if (result.signal == SIGINT) return ExitCode::interrupted;
  if (result.signal == SIGTERM) return ExitCode::terminated;
  return success ? ExitCode::ok : ExitCode::failures;
}

void WarmCommand::execute(Context& context) const {
  std::optional<manifest::Manifest> manifest;
  try {
    manifest.emplace(manifest::load_manifest(file));
  } catch (const manifest::ManifestError& e) {
    context.exit_code = report_manifest_error(e, file);
    return;
  }
  const net::WarmOptions o = options(*manifest);
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> log_out = open_log_file(log_file);
  std::FILE* log_stream = log_out ? log_out.get() : stderr;
  const report::Verbosity verbosity = cli::verbosity(quiet, context);
  report::EventLog log(log_stream, log_format == "json" ? report::LogFormat::json : report::LogFormat::text, verbosity);
  report::Progress progress(progress_mode(quiet ? std::string("never") : progress_flag), log, stderr);
  net::WarmCallbacks callbacks;
  callbacks.on_start = [&](std::size_t total) {
    log.event("warm_start",
              {{"manifest", file},
               {"cdn", o.cdn},
               {"edges", o.edges},
               {"list", o.list.string()},
               {"urls", total},
               {"concurrency", o.concurrency},
               {"rate", o.rate}},
              "", false);
    progress.start(total);
  };
  callbacks.on_url = [&](const net::UrlResult& u, std::size_t done, std::size_t failed) {
    if (log.stream() == stderr) progress.clear_line();
    log.event("url", url_event(u), url_line(u), !u.ok());
    progress.update(done, failed);
  };
  SignalScope signals;
  net::WarmOptions with_signal = o;
  with_signal.signal = signals.signal();
  net::WarmResult result;
  try {
    result = net::warm(with_signal, callbacks);
  } catch (const std::runtime_error& e) {
    fmt::print(stderr, "prerender: {}: run (or merge) first, or name a list with --list\n", e.what());
    context.exit_code = ExitCode::usage;
    return;
  }
  progress.finish();
  // The summary: the text log's last line, the JSON log's warm_end; on stderr as well when the log goes to
  // a file and something failed (what cron mails).
  log.event("warm_end", result.summary_json, result.summary,
            log.format() == report::LogFormat::json || verbosity != report::Verbosity::quiet || result.failed > 0);
  if (log_stream != stderr && result.failed > 0) fmt::print(stderr, "{}\n", result.summary);
  context.exit_code = finish_warm(result, metrics_file);
}

}  // namespace

void add_warm(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand(
      "warm", "Request the renditions through the CDN, most popular first, so that users find them cached");
  command->footer(
      "Reads urls.txt under output.root (or changed.txt with --changed, or --list FILE) as it goes and requests\n"
      "each URL's path at --cdn, once per --edge. Each URL's status, bytes, latency and cache status (X-Cache,\n"
      "CF-Cache-Status, X-Cache-Hits, Age) is logged; 5xx, 429, time-outs and connection errors are retried\n"
      "with backoff (0.5 s, doubling).\n"
      "Exit 0 when every URL was fetched, 1 when some failed after their retries or were not started\n"
      "(--deadline), 2 on a usage or manifest error or a missing list, 130/143 when interrupted.\n"
      "Example: prerender warm site.yaml --cdn https://img.example.com --top 5000 --edge 203.0.113.7:443 --rate 200");
  auto c = std::make_shared<WarmCommand>();
  command->add_option("MANIFEST", c->file, "The manifest (YAML)")->required();
  command->add_option("--cdn", c->cdn, "The CDN's URL (scheme and host; the Host every request carries)")->required();
  command->add_option(
      "--edge", c->edges,
      "HOST:PORT of a point of presence to warm (repeatable); the request keeps --cdn's Host and TLS name");
  command->add_option("--top", c->top, "Only the first N URLs of the list (the most popular)")
      ->check(CLI::PositiveNumber);
  command->add_flag("--changed", c->changed, "Warm changed.txt (the URLs whose bytes changed in the last run)");
  command->add_option("--list", c->list, "Warm the URLs of this file instead, one a line");
  command->add_option("--concurrency", c->concurrency, "Requests at once")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  command->add_option("--rate", c->rate, "At most this many requests a second (default: no limit)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--retries", c->retries, "Retries of a URL after a 5xx, 429, time-out or connection error")
      ->check(CLI::Range(0, 10))
      ->capture_default_str();
  command->add_option("--timeout", c->timeout, "Time limit of one request")->capture_default_str();
  command->add_option("--deadline", c->deadline, "Stop starting requests after this long, e.g. 10m");
  command->add_flag("-q,--quiet", c->quiet, "Only failures: no progress, no summary");
  command->add_option("--log-format", c->log_format, "text, or json: one object per event for ELK/Loki")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  command->add_option("--log-file", c->log_file, "Write the log here instead of stderr (appended)");
  add_progress_option(*command, c->progress_flag);
  command->add_option("--metrics-file", c->metrics_file,
                      "Write Prometheus text metrics here (node_exporter textfile collector)");
  command->get_option("--list")->excludes(command->get_option("--changed"));
  command->callback([&context, c] { c->execute(context); });
}

}  // namespace prerender::cli
