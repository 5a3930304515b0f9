#include <cstdlib>
#include <fmt/format.h>
#include <stdexcept>

#include "net/s3_store.hpp"

// Where a store is and who signs for it: the manifest's values first, then the AWS_* environment.
namespace prerender::net {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

S3Config s3_config(const std::string& bucket, const std::string& prefix, const std::string& endpoint,
                   const std::string& region, std::optional<bool> path_style) {
  S3Config c;
  c.bucket = bucket;
  c.prefix = prefix;
  c.region = !region.empty()                      ? region
             : !env("AWS_REGION").empty()         ? env("AWS_REGION")
             : !env("AWS_DEFAULT_REGION").empty() ? env("AWS_DEFAULT_REGION")
                                                  : "us-east-1";
  c.endpoint = !endpoint.empty()                     ? endpoint
               : !env("AWS_ENDPOINT_URL_S3").empty() ? env("AWS_ENDPOINT_URL_S3")
                                                     : env("AWS_ENDPOINT_URL");
  c.path_style = path_style.value_or(!c.endpoint.empty());
  if (c.endpoint.empty()) c.endpoint = fmt::format("https://s3.{}.amazonaws.com", c.region);
  while (!c.endpoint.empty() && c.endpoint.back() == '/') c.endpoint.pop_back();
  c.access_key = env("AWS_ACCESS_KEY_ID");
  c.secret_key = env("AWS_SECRET_ACCESS_KEY");
  c.session_token = env("AWS_SESSION_TOKEN");
  if (c.access_key.empty() || c.secret_key.empty())
    throw std::runtime_error(
        fmt::format("s3://{}/{}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", bucket, prefix));
  return c;
}

}  // namespace prerender::net
