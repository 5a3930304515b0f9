#include <cstdlib>
#include <doctest/doctest.h>
#include <stdexcept>

#include "net/s3_store.hpp"

using namespace prerender;

namespace {

// Sets the AWS_* variables the store reads for one test case, and clears them after.
struct AwsEnvironment {
  AwsEnvironment() {
    for (const char* name : k_names) ::unsetenv(name);
  }
  ~AwsEnvironment() {
    for (const char* name : k_names) ::unsetenv(name);
  }
  void set(const char* name, const char* value) { ::setenv(name, value, 1); }
  static constexpr const char* k_names[] = {"AWS_ENDPOINT_URL",   "AWS_ENDPOINT_URL_S3", "AWS_REGION",
                                            "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID",   "AWS_SECRET_ACCESS_KEY",
                                            "AWS_SESSION_TOKEN"};
};

}  // namespace

TEST_CASE("the S3 endpoint, region and credentials come from the manifest first, then the usual environment") {
  AwsEnvironment env;
  env.set("AWS_ACCESS_KEY_ID", "AKID");
  env.set("AWS_SECRET_ACCESS_KEY", "secret");
  env.set("AWS_ENDPOINT_URL", "http://general:9000");
  env.set("AWS_ENDPOINT_URL_S3", "http://s3-only:9000/");
  env.set("AWS_DEFAULT_REGION", "eu-north-1");
  net::S3Config c = net::s3_config("renders", "site/", "", "", std::nullopt);
  CHECK(c.endpoint == "http://s3-only:9000");  // the service's own variable wins, the trailing '/' dropped
  CHECK(c.region == "eu-north-1");
  CHECK(c.path_style);  // an endpoint: path style unless told otherwise
  CHECK(c.access_key == "AKID");
  CHECK(c.secret_key == "secret");
  env.set("AWS_REGION", "ap-south-1");
  CHECK(net::s3_config("renders", "", "", "", std::nullopt).region == "ap-south-1");
  c = net::s3_config("renders", "", "https://manifest:443", "us-west-2", false);
  CHECK(c.endpoint == "https://manifest:443");
  CHECK(c.region == "us-west-2");
  CHECK_FALSE(c.path_style);
}

TEST_CASE("without an endpoint the store is AWS's own for the region, addressed by virtual host") {
  AwsEnvironment env;
  env.set("AWS_ACCESS_KEY_ID", "AKID");
  env.set("AWS_SECRET_ACCESS_KEY", "secret");
  const net::S3Config c = net::s3_config("renders", "site/", "", "", std::nullopt);
  CHECK(c.region == "us-east-1");
  CHECK(c.endpoint == "https://s3.us-east-1.amazonaws.com");
  CHECK_FALSE(c.path_style);
  CHECK(net::S3Store(c).describe("a/b.webp") == "s3://renders/site/a/b.webp");
}

TEST_CASE("missing S3 credentials are named") {
  AwsEnvironment env;
  env.set("AWS_ACCESS_KEY_ID", "AKID");
  CHECK_THROWS_WITH_AS(net::s3_config("renders", "site/", "", "", std::nullopt),
                       "s3://renders/site/: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", std::runtime_error);
}
