#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "publish/purge.hpp"

using namespace prerender;

namespace {

std::vector<publish::PurgeRequest> purge(publish::Cdn cdn, publish::PurgeBy by, const std::vector<std::string>& items,
                                         std::string endpoint = "") {
  std::vector<publish::PurgeRequest> out;
  publish::PurgeBatcher batcher(cdn, by, std::move(endpoint), std::string(publish::traits(cdn).token_env), 0,
                                [&](publish::PurgeRequest r) { out.push_back(std::move(r)); });
  for (const std::string& item : items) batcher.add(item);
  batcher.finish();
  return out;
}

std::vector<std::string> numbered(const std::string& prefix, std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

}  // namespace

TEST_CASE("a Fastly purge sends 256 surrogate keys a request, the token as a placeholder") {
  const auto requests = purge(publish::Cdn::fastly, publish::PurgeBy::tag, numbered("asset-", 600));
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].items == 256);
  CHECK(requests[2].items == 600 - 512);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].url == "https://api.fastly.com/service/${FASTLY_SERVICE_ID}/purge");
  CHECK(requests[0].headers.at(0).first == "Surrogate-Key");
  CHECK(requests[0].headers.at(0).second.rfind("asset-0 asset-1 ", 0) == 0);
  CHECK(requests[0].headers.at(1) == std::pair<std::string, std::string>{"Fastly-Key", "${FASTLY_API_TOKEN}"});
}

TEST_CASE("a Cloudflare purge posts 30 tags or files a request as JSON") {
  const auto tags = purge(publish::Cdn::cloudflare, publish::PurgeBy::tag, numbered("preset-", 61));
  REQUIRE(tags.size() == 3);
  CHECK(nlohmann::json::parse(tags[0].body).at("tags").size() == 30);
  CHECK(nlohmann::json::parse(tags[2].body).at("tags") == nlohmann::json{"preset-60"});
  const auto files = purge(publish::Cdn::cloudflare, publish::PurgeBy::url, {"https://cdn.test/a/b.jpg"});
  CHECK(nlohmann::json::parse(files.at(0).body) == nlohmann::json{{"files", {"https://cdn.test/a/b.jpg"}}});
}

TEST_CASE("an Akamai Fast Purge body never exceeds 50,000 bytes") {
  const auto requests = purge(publish::Cdn::akamai, publish::PurgeBy::url,
                              numbered("https://cdn.test/" + std::string(100, 'p') + "/", 2000));
  REQUIRE(requests.size() > 1);
  std::size_t total = 0;
  for (const auto& r : requests) {
    CHECK(r.body.size() <= 50000);
    CHECK(r.url == "https://${AKAMAI_HOST}/ccu/v3/invalidate/url/production");
    total += nlohmann::json::parse(r.body).at("objects").size();
  }
  CHECK(total == 2000);
}

TEST_CASE("CloudFront invalidates paths, and Varnish purges by xkey or path at the endpoint") {
  const auto cf = purge(publish::Cdn::cloudfront, publish::PurgeBy::url,
                        {"https://cdn.test/a/b.jpg?x=1", "https://cdn.test/c.png"});
  const auto body = nlohmann::json::parse(cf.at(0).body);
  CHECK(body.at("Paths") == nlohmann::json{{"Quantity", 2}, {"Items", {"/a/b.jpg?x=1", "/c.png"}}});
  CHECK(body.at("CallerReference").get<std::string>().rfind("prerender-", 0) == 0);
  CHECK_FALSE(publish::traits(publish::Cdn::cloudfront).tags);
  const auto xkey =
      purge(publish::Cdn::varnish, publish::PurgeBy::tag, {"renderer-0.2.0", "asset-a"}, "http://127.0.0.1:6081/");
  REQUIRE(xkey.size() == 1);
  CHECK(xkey[0].method == "PURGE");
  CHECK(xkey[0].headers.at(0) == std::pair<std::string, std::string>{"xkey-purge", "renderer-0.2.0 asset-a"});
  const auto paths = purge(publish::Cdn::varnish, publish::PurgeBy::url,
                           {"https://cdn.test/a/b.jpg", "https://cdn.test/c.png"}, "http://127.0.0.1:6081/");
  REQUIRE(paths.size() == 2);
  CHECK(paths[0].url == "http://127.0.0.1:6081/a/b.jpg");
  CHECK(publish::printable(paths[1]) ==
        R"({"headers":{},"items":1,"method":"PURGE","url":"http://127.0.0.1:6081/c.png"})");
}
