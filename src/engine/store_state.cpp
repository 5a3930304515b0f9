#include "engine/store_state.hpp"

#include <fmt/format.h>
#include <regex>
#include <fcntl.h>
#include <sys/stat.h>

namespace prerender::engine {
namespace {

const std::string k_prefix(output::k_state_prefix);

bool has_file(const output::OutputRoot& state, const std::string& name) {
  struct stat st {};
  return ::fstatat(state.fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

std::string content_type(const std::string& name) {
  if (name.ends_with(".json")) return "application/json";
  if (name.ends_with(".jsonl")) return "application/x-ndjson";
  return "text/plain; charset=utf-8";
}

}  // namespace

bool fetch_state_file(output::ObjectSink& store, const output::OutputRoot& state, const std::string& name) {
  if (has_file(state, name)) return false;
  const std::optional<std::string> bytes = store.get(k_prefix + name);
  if (!bytes) return false;
  state.write(name, *bytes);
  return true;
}

void upload_state_file(output::ObjectSink& store, const output::OutputRoot& state, const std::string& name) {
  store.put_file(k_prefix + name, state.path() / name,
                 {{"Content-Type", content_type(name)}, {"Cache-Control", "no-store"}});
}

std::vector<std::string> fetch_shard_journals(output::ObjectSink& store, const output::OutputRoot& state, int count) {
  std::vector<std::string> out;
  for (int k = 0; k < count; ++k) {
    const std::string name = fmt::format("renditions-{}-of-{}.jsonl", k, count);
    const std::optional<std::string> bytes = store.get(k_prefix + name);
    if (!bytes)
      throw std::runtime_error(
          fmt::format("shard {} of {} left no journal at {}", k, count, store.describe(k_prefix + name)));
    state.write(name, *bytes);
    out.push_back(name);
  }
  if (count > 0) return out;
  const std::regex shard_journal(R"(renditions-(\d+)-of-(\d+)\.jsonl)");
  for (const std::string& key : store.list(k_prefix + "renditions-")) {
    const std::string name = key.substr(k_prefix.size());
    if (!std::regex_match(name, shard_journal)) continue;
    const std::optional<std::string> bytes = store.get(key);
    if (!bytes) continue;
    state.write(name, *bytes);
    out.push_back(name);
  }
  return out;
}

}  // namespace prerender::engine
