#include "manifest/output_store.hpp"

#include <fmt/format.h>

#include "manifest/keys.hpp"

namespace prerender::manifest {
namespace {

constexpr std::string_view k_scheme = "s3://";

// A bucket name as S3 takes it: 3 to 63 characters of a-z, 0-9, '.' and '-'.
bool valid_bucket(const std::string& name) {
  if (name.size() < 3 || name.size() > 63) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
  return true;
}

void read_s3_options(const YamlNode& node, const Reader& reader, StoreSpec& store) {
  if (!reader.check_map(node, k_output_s3_keys, "'output.s3'")) return;
  if (const YamlNode* endpoint = node.find("endpoint"))
    if (auto s = reader.string(*endpoint, "'output.s3.endpoint'")) {
      if (s->rfind("https://", 0) != 0 && s->rfind("http://", 0) != 0)
        reader.error(*endpoint,
                     fmt::format("'output.s3.endpoint' must start with https:// or http://, not {}", quote(*s)));
      else
        store.endpoint = *s;
    }
  if (const YamlNode* region = node.find("region"))
    if (auto s = reader.string(*region, "'output.s3.region'")) store.region = *s;
  if (const YamlNode* path_style = node.find("path_style"))
    store.path_style = reader.boolean(*path_style, "'output.s3.path_style'");
}

}  // namespace

void read_output_store(const YamlNode& output, const Reader& reader, OutputSpec& out) {
  const YamlNode* root = output.find("root");
  const YamlNode* s3 = output.find("s3");
  const bool s3_root = root && root->is_scalar() && root->scalar.rfind(k_scheme, 0) == 0;
  if (!s3_root) {
    if (s3) reader.error(*s3, "'output.s3' needs 'output.root: s3://bucket/prefix'");
    return;
  }
  const std::string rest = root->scalar.substr(k_scheme.size());
  const std::size_t slash = rest.find('/');
  StoreSpec store;
  store.bucket = rest.substr(0, slash);
  if (slash != std::string::npos) store.prefix = rest.substr(slash + 1);
  while (!store.prefix.empty() && store.prefix.front() == '/') store.prefix.erase(0, 1);
  if (!store.prefix.empty() && store.prefix.back() != '/') store.prefix += '/';
  if (!valid_bucket(store.bucket)) {
    reader.error(*root, fmt::format("'output.root' {} names no valid bucket (3 to 63 characters of a-z, 0-9, '.', '-')",
                                    quote(root->scalar)));
    return;
  }
  if (s3) read_s3_options(*s3, reader, store);
  out.store = std::move(store);
  out.root.clear();
}

}  // namespace prerender::manifest
