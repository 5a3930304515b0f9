#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <memory>
#include <optional>
#include <set>

#include "cli/context.hpp"
#include "manifest/manifest.hpp"
#include "net/http_client.hpp"
#include "publish/purge.hpp"
#include "publish/streams.hpp"
#include "publish/tags.hpp"
#include "util/glob.hpp"
#include "util/version.hpp"

namespace prerender::cli {
namespace {

struct PurgeCommand {
  std::string file, cdn_name, by, endpoint, token_env, renderer_version, asset, preset;
  std::vector<std::string> tags;
  bool changed = false, print = false;
  std::size_t batch = 0;

  void execute(Context& context) const;
  // The flags checked together; what to purge by. Throws CLI::ValidationError.
  publish::PurgeBy checked_mode(publish::Cdn cdn) const;
  void select(const std::filesystem::path& root, publish::PurgeBatcher& batcher, publish::PurgeBy mode) const;
};

// Sends each request (the token put in from the environment), at most four at once. Returns the exit code.
class Sender {
 public:
  Sender() : m_client(4, 60, fmt::format("prerender-purge/{}", util::k_version)) {}

  // Throws CLI::ValidationError when a token's environment variable is not set.
  void send(const publish::PurgeRequest& r) {
    net::Request request;
    request.method = r.method;
    request.url = r.url;
    request.body = r.body;
    request.keep_body = true;
    for (const auto& [name, value] : r.headers) request.headers.push_back(name + ": " + with_token(value));
    while (!m_client.has_room()) collect(100);
    request.tag = m_sent++;
    m_client.start(request);
  }

  ExitCode finish(std::size_t items) {
    while (m_client.in_flight() > 0) collect(100);
    fmt::print("purge: {} item{} in {} request{}: {} accepted, {} refused{}\n", items, items == 1 ? "" : "s", m_sent,
               m_sent == 1 ? "" : "s", m_sent - m_refused - m_unreachable, m_refused,
               m_unreachable ? fmt::format(", {} failed to reach the API (retry)", m_unreachable) : "");
    if (m_unreachable > 0) return ExitCode::retry;
    return m_refused > 0 ? ExitCode::failures : ExitCode::ok;
  }

 private:
  static std::string with_token(std::string value) {
    const auto open = value.find("${");
    if (open == std::string::npos) return value;
    const auto close = value.find('}', open);
    const std::string name = value.substr(open + 2, close - open - 2);
    const char* token = std::getenv(name.c_str());
    if (!token || !*token)
      throw CLI::ValidationError("--token-env", fmt::format("the environment variable {} is not set", name));
    return value.replace(open, close - open + 1, token);
  }

  void collect(int wait_ms) {
    std::vector<net::Response> done;
    m_client.poll(wait_ms, done);
    for (const net::Response& r : done) {
      if (r.status >= 200 && r.status < 300) continue;
      const bool unreachable = r.status == 0 || r.status == 429 || r.status >= 500;
      ++(unreachable ? m_unreachable : m_refused);
      const std::string reason = r.status == 0 ? r.error : fmt::format("HTTP {}: {}", r.status, r.body.substr(0, 300));
      fmt::print(stderr, "prerender: purge request {} failed: {}\n", r.tag + 1, reason);
    }
  }

  net::HttpClient m_client;
  std::size_t m_sent = 0, m_refused = 0, m_unreachable = 0;
};

void PurgeCommand::select(const std::filesystem::path& root, publish::PurgeBatcher& batcher,
                          publish::PurgeBy mode) const {
  if (changed) {
    publish::LineReader reader(root / "changed.txt");
    std::string line;
    while (reader.next(line)) batcher.add(line);
    return;
  }
  std::set<std::string> by_tag(tags.begin(), tags.end());  // at most one per asset and preset: small
  if (!renderer_version.empty()) by_tag.insert(publish::renderer_tag(renderer_version));
  const bool journal_needed = mode == publish::PurgeBy::url || !asset.empty() || !preset.empty();
  if (journal_needed) {
    publish::for_each_latest(root / "renditions.jsonl", [&](const output::RenditionRecord& r) {
      if (r.status == output::Status::failed) return;
      if (mode == publish::PurgeBy::tag) {
        if (!asset.empty() && util::glob_match(asset, r.asset)) by_tag.insert(publish::asset_tag(r.asset));
        if (!preset.empty() && util::glob_match(preset, r.preset)) by_tag.insert(publish::preset_tag(r.preset));
        return;
      }
      // By URL every filter given must match, as in `prerender urls`.
      if (!asset.empty() && !util::glob_match(asset, r.asset)) return;
      if (!preset.empty() && !util::glob_match(preset, r.preset)) return;
      if (!renderer_version.empty() && r.renderer_version != renderer_version) return;
      if (!tags.empty() && std::none_of(tags.begin(), tags.end(), [&](const std::string& t) {
            return std::find(r.tags.begin(), r.tags.end(), t) != r.tags.end();
          }))
        return;
      batcher.add(r.url);
    });
  }
  if (mode == publish::PurgeBy::tag)
    for (const std::string& tag : by_tag) batcher.add(tag);
}

publish::PurgeBy PurgeCommand::checked_mode(publish::Cdn cdn) const {
  if (print == !endpoint.empty())
    throw CLI::ValidationError("purge", "give either --print (write the requests) or --endpoint URL (send them)");
  if (renderer_version.empty() && asset.empty() && preset.empty() && tags.empty() && !changed)
    throw CLI::ValidationError("purge", "say what to purge: --renderer-version, --asset, --preset, --tag or --changed");
  for (const std::string& tag : tags)
    if (const auto problem = publish::tag_problem(tag))
      throw CLI::ValidationError("--tag", fmt::format("'{}' {}", tag, *problem));
  const publish::CdnTraits traits = publish::traits(cdn);
  const publish::PurgeBy mode =
      (by == "url" || changed || !traits.tags) ? publish::PurgeBy::url : publish::PurgeBy::tag;
  if (by == "tag" && (changed || !traits.tags))
    throw CLI::ValidationError("--by", changed ? "--changed purges the URLs of changed.txt: use --by url"
                                               : fmt::format("{} purges by URL only", cdn_name));
  if (!endpoint.empty() && (cdn == publish::Cdn::akamai || cdn == publish::Cdn::cloudfront))
    throw CLI::ValidationError(
        "--endpoint",
        fmt::format("{} requests must be signed ({}), which prerender does not do: use --print and send them with {}",
                    cdn_name, cdn == publish::Cdn::akamai ? "EdgeGrid" : "AWS SigV4",
                    cdn == publish::Cdn::akamai ? "the Akamai CLI" : "aws cloudfront create-invalidation"));
  if (cdn == publish::Cdn::varnish && endpoint.empty() && !print)
    throw CLI::ValidationError("--endpoint", "varnish needs the cache's URL");
  return mode;
}

void PurgeCommand::execute(Context& context) const {
  const std::optional<publish::Cdn> cdn = publish::cdn_from(cdn_name);
  const publish::PurgeBy mode = checked_mode(*cdn);
  const publish::CdnTraits traits = publish::traits(*cdn);
  std::optional<manifest::Manifest> manifest;
  try {
    manifest.emplace(manifest::load_manifest(file));
  } catch (const manifest::ManifestError& e) {
    context.exit_code = report_manifest_error(e, file);
    return;
  }
  std::optional<Sender> sender;
  if (!print) sender.emplace();
  std::size_t requests = 0;
  const std::string token = token_env.empty() ? std::string(traits.token_env) : token_env;
  if (!print && !token.empty() && !std::getenv(token.c_str()))  // before any request goes out
    throw CLI::ValidationError("--token-env", fmt::format("the environment variable {} is not set", token));
  publish::PurgeBatcher batcher(*cdn, mode,
                                endpoint.empty() && *cdn == publish::Cdn::varnish ? "http://127.0.0.1:6081/" : endpoint,
                                token, batch, [&](publish::PurgeRequest r) {
                                  ++requests;
                                  if (print)
                                    fmt::print("{}\n", publish::printable(r));
                                  else
                                    sender->send(r);
                                });
  try {
    select(manifest->output.root, batcher, mode);
  } catch (const std::runtime_error& e) {
    fmt::print(stderr, "prerender: {}: run (or merge) first\n", e.what());
    context.exit_code = ExitCode::usage;
    return;
  }
  batcher.finish();
  if (batcher.items() == 0) fmt::print(stderr, "prerender: nothing to purge: no rendition matches\n");
  if (print) {
    fmt::print(stderr, "purge: {} {} in {} request{} for {} (printed, not sent)\n", batcher.items(),
               mode == publish::PurgeBy::tag ? "tags" : "URLs", requests, requests == 1 ? "" : "s", cdn_name);
    context.exit_code = ExitCode::ok;
    return;
  }
  context.exit_code = sender->finish(batcher.items());
}

}  // namespace

void add_purge(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand(
      "purge", "Purge renditions from the CDN by cache tag (renderer version, asset, preset) or URL, batched per API");
  command->footer(
      "By tag where the CDN supports it (selectors add tags: renderer-V, asset-ID, preset-NAME, --tag), by URL with\n"
      "--by url (every selector must match, as in `prerender urls`), --changed (changed.txt) or for CloudFront.\n"
      "Batches: fastly 256 keys, cloudflare 30, akamai 50,000 bytes, cloudfront 3,000 paths, varnish 256 keys (xkey).\n"
      "The token is read from an environment variable (--token-env; default FASTLY_API_TOKEN, CLOUDFLARE_API_TOKEN),\n"
      "never from the command line, and is not printed: --print shows ${NAME}.\n"
      "Exit 0 when every request was accepted, 1 when the API refused one (4xx), 2 on a usage error,\n"
      "75 when the API could not be reached or answered 5xx/429 (retry).\n"
      "Example: prerender purge site.yaml --renderer-version 0.2.0 --cdn fastly \\\n"
      "           --endpoint https://api.fastly.com/service/SERVICE_ID/purge");
  auto c = std::make_shared<PurgeCommand>();
  command->add_option("MANIFEST", c->file, "The manifest (YAML)")->required();
  command->add_option("--cdn", c->cdn_name, "fastly, cloudflare, akamai, cloudfront or varnish (PURGE with xkey-purge)")
      ->required()
      ->check(CLI::IsMember({"fastly", "cloudflare", "akamai", "cloudfront", "varnish"}));
  command->add_option("--renderer-version", c->renderer_version, "Purge what this renderer version made");
  command->add_option("--asset", c->asset, "Purge the assets whose id matches this glob");
  command->add_option("--preset", c->preset, "Purge the presets whose name matches this glob");
  command->add_option("--tag", c->tags, "Purge this cache tag (repeatable)");
  command->add_flag("--changed", c->changed, "Purge the URLs of changed.txt (whose bytes changed in the last run)");
  command->add_option("--by", c->by, "tag or url (default: tag where the CDN supports it)")
      ->check(CLI::IsMember({"tag", "url"}));
  command->add_flag("--print", c->print, "Write the requests as JSON lines instead of sending them");
  command->add_option("--endpoint", c->endpoint, "Send the requests to this URL (the API's, or the Varnish cache's)");
  command->add_option("--token-env", c->token_env, "The environment variable holding the API token");
  command->add_option("--batch", c->batch, "Items a request (default: the API's limit)")->check(CLI::PositiveNumber);
  command->callback([&context, c] { c->execute(context); });
}

}  // namespace prerender::cli
