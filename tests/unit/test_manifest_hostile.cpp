#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <doctest/doctest.h>
#include <sstream>

#include "manifest/manifest.hpp"
#include "manifest/yaml_tree.hpp"
#include "test_support.hpp"

using namespace prerender;
using prerender::test::TempDir;
using prerender::test::write_file;

namespace {

// Every diagnostic of loading `manifest`, as printed ("file:line:col: message"), one per line.
std::string diagnostics_of(const std::filesystem::path& manifest) {
  try {
    manifest::load_manifest(manifest);
  } catch (const manifest::ManifestError& e) {
    return e.what();
  }
  return "";
}

// Fails for every line of `secret` (or piece of one past its first 6 characters) found in `output`.
void check_no_line_of(const std::string& secret, const std::string& output) {
  std::istringstream lines(secret);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() < 6) continue;
    INFO("line: " << line);
    CHECK(output.find(line) == std::string::npos);
    CHECK(output.find(line.substr(0, 6)) == std::string::npos);  // not even a cut-short prefix
    const auto eq = line.find_first_of("=:");
    if (eq != std::string::npos && eq + 2 < line.size()) {
      const std::string value = line.substr(eq + 2);
      if (value.size() >= 6) CHECK(output.find(value.substr(0, 6)) == std::string::npos);
    }
  }
}

const std::string k_credentials =
    "[default]\n"
    "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
    "[prod]\n"
    "region = eu-west-1\n";
const std::string k_env_lines =
    "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
const std::string k_colon_lines =
    "DATABASE_PASSWORD: hunter2hunter2\n"
    "STRIPE_SECRET_KEY: sk_live_51HxxxxxxxxxxxxxxxxxxSECRET\n";
const std::string k_pem =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n"
    "aFDrBz9vFqU4yY0VxGqaBj7DrVQlHVmG5TZxB5FyJ6GzA0b6a9G4MZpyUc8Wq7mE\n"
    "-----END RSA PRIVATE KEY-----\n";

}  // namespace

TEST_CASE("an included file that is not a preset library is refused once, quoting none of it") {
  for (const std::string& secret : {k_credentials, k_env_lines, k_colon_lines, k_pem}) {
    TempDir dir;
    write_file(dir.path() / "credentials", secret);
    write_file(dir.path() / "site.yaml", "version: 1\ninclude: credentials\nassets: []\n");
    const std::string out = diagnostics_of(dir.path() / "site.yaml");
    INFO("diagnostics: " << out);
    check_no_line_of(secret, out);
    if (secret != k_credentials)  // an INI section is a YAML syntax error, reported without content
      CHECK(out.find("not a prerender preset library (no 'presets:' mapping)") != std::string::npos);
    CHECK(std::count(out.begin(), out.end(), '\n') == 0);  // one message
  }
}

TEST_CASE("a manifest that is not a prerender manifest is refused once, quoting none of it") {
  for (const std::string& secret : {k_credentials, k_env_lines, k_colon_lines, k_pem}) {
    TempDir dir;
    write_file(dir.path() / "credentials", secret);
    const std::string out = diagnostics_of(dir.path() / "credentials");
    INFO("diagnostics: " << out);
    check_no_line_of(secret, out);
    CHECK(std::count(out.begin(), out.end(), '\n') == 0);
  }
}

TEST_CASE("keys and values quoted in diagnostics are cut short") {
  TempDir dir;
  const std::string long_key(200, 'k');
  const std::string long_preset(200, 'p');
  write_file(dir.path() / "site.yaml", "version: 1\n" + long_key + ": 1\npresets:\n  " + long_preset +
                                           ": { format: png }\nassets:\n  - source: a.jpg\n    presets: [" +
                                           std::string(200, 'q') + "]\n");
  const std::string out = diagnostics_of(dir.path() / "site.yaml");
  INFO("diagnostics: " << out);
  CHECK(out.find("unknown key '" + std::string(40, 'k') + "...'") != std::string::npos);
  CHECK(out.find("preset name '" + std::string(40, 'p') + "...'") != std::string::npos);
  CHECK(out.find("unknown preset '" + std::string(40, 'q') + "...'") != std::string::npos);
  CHECK(out.find(std::string(41, 'k')) == std::string::npos);
  CHECK(out.find(std::string(41, 'p')) == std::string::npos);
  CHECK(out.find(std::string(41, 'q')) == std::string::npos);
}

namespace {

// Seconds since `start`.
double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("a chain of 10,000 includes stops at the include depth with the including file's position") {
  TempDir dir;
  for (int i = 0; i < 10000; ++i)
    write_file(dir.path() / fmt::format("lib{}.yaml", i),
               fmt::format("include: lib{}.yaml\npresets:\n  p{}: {{ format: png }}\n", i + 1, i));
  write_file(dir.path() / "lib10000.yaml", "presets: {}\n");
  write_file(dir.path() / "site.yaml", "version: 1\ninclude: lib0.yaml\nassets: []\n");
  const auto start = std::chrono::steady_clock::now();
  const std::string out = diagnostics_of(dir.path() / "site.yaml");
  CHECK(seconds_since(start) < 60);
  INFO("diagnostics: " << out);
  CHECK(out.find("lib14.yaml:1:10: includes nest deeper than 16 files") != std::string::npos);
  CHECK(std::count(out.begin(), out.end(), '\n') == 0);
}

TEST_CASE("more than 256 included files are refused") {
  TempDir dir;
  std::string includes = "version: 1\nassets: []\ninclude:\n";
  for (int i = 0; i < 300; ++i) {
    write_file(dir.path() / fmt::format("lib{}.yaml", i), fmt::format("presets:\n  p{}: {{ format: png }}\n", i));
    includes += fmt::format("  - lib{}.yaml\n", i);
  }
  write_file(dir.path() / "site.yaml", includes);
  const std::string out = diagnostics_of(dir.path() / "site.yaml");
  INFO("diagnostics: " << out);
  CHECK(out.find("site.yaml:259:5: more than 256 files are included") != std::string::npos);
}

TEST_CASE("100,000-deep flow collections stop at the nesting limit, in time linear in the text") {
  TempDir dir;
  const std::size_t depth = 250'000;  // 500 KB
  const std::string lists = std::string(depth, '[') + std::string(depth, ']');
  std::string maps;
  for (std::size_t i = 0; i < depth / 2; ++i) maps += "{a: ";
  maps += "1" + std::string(depth / 2, '}');
  for (const std::string& nested : {lists, maps}) {
    write_file(dir.path() / "site.yaml", "version: 1\nassets: " + nested + "\n");
    const auto start = std::chrono::steady_clock::now();
    const std::string out = diagnostics_of(dir.path() / "site.yaml");
    CHECK(seconds_since(start) < 60);
    INFO("diagnostics: " << out.substr(0, 300));
    CHECK(out.find("nest deeper than 64 levels") != std::string::npos);
    CHECK(out.find("site.yaml:2:") != std::string::npos);
  }
}

TEST_CASE("64 levels of nesting are accepted") {
  const std::string text = std::string(63, '[') + std::string(63, ']');
  CHECK(manifest::parse_yaml("x: " + text, "t.yaml")->find("x")->is_sequence());
}

TEST_CASE("more than 10,000 presets are refused at the first one past the limit") {
  TempDir dir;
  std::string lib = "presets:\n";
  for (int i = 0; i < 4000; ++i) lib += fmt::format("  l{}: {{ format: png }}\n", i);
  write_file(dir.path() / "lib.yaml", lib);
  std::string text = "version: 1\ninclude: lib.yaml\nassets: []\npresets:\n";
  for (int i = 0; i < 7000; ++i) text += fmt::format("  p{}: {{ format: png }}\n", i);
  write_file(dir.path() / "site.yaml", text);
  const std::string out = diagnostics_of(dir.path() / "site.yaml");
  INFO("diagnostics: " << out.substr(0, 300));
  // 4,000 from the library, then the 6,001st of the manifest (line 5 + 6000) is one too many.
  CHECK(out.find("site.yaml:6005:3: more than 10000 presets") != std::string::npos);
  CHECK(std::count(out.begin(), out.end(), '\n') == 0);
}

TEST_CASE("10,000 presets are accepted") {
  TempDir dir;
  std::string text = "version: 1\nassets: []\npresets:\n";
  for (int i = 0; i < 10000; ++i) text += fmt::format("  p{}: {{ format: png }}\n", i);
  write_file(dir.path() / "site.yaml", text);
  CHECK(manifest::load_manifest(dir.path() / "site.yaml").presets.size() == 10000);
}
