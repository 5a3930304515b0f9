#include "engine/merge.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <regex>
#include <stdexcept>
#include <unordered_map>

#include "engine/incremental.hpp"
#include "output/journal_index.hpp"
#include "output/lock.hpp"
#include "output/root.hpp"

namespace prerender::engine {
namespace fs = std::filesystem;
using output::RenditionRecord;

namespace {

// Each planned rendition's place in priority order, by RenditionRecord::key().
std::unordered_map<std::string, std::size_t> ranks(const Plan& plan) {
  std::unordered_map<std::string, std::size_t> rank;
  rank.reserve(plan.rendition_count());
  std::size_t next = 0;
  for (const PlannedAsset& asset : plan.assets)
    for (const PlannedRendition& r : asset.renditions) rank.emplace(rendition_key(asset, r), next++);
  return rank;
}

}  // namespace

UrlList url_list(const std::vector<RenditionRecord>& latest, const Plan& whole) {
  const std::unordered_map<std::string, std::size_t> rank = ranks(whole);
  std::vector<std::pair<std::size_t, const RenditionRecord*>> listed;
  UrlList out;
  for (const RenditionRecord& r : latest) {
    const auto it = rank.find(r.key());
    if (it == rank.end()) {
      ++out.removed;  // its file may still be on disk: nothing deletes it
      continue;
    }
    if (r.status != output::Status::failed) listed.emplace_back(it->second, &r);
  }
  std::sort(listed.begin(), listed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [unused, r] : listed) out.text += r->url + "\n";
  return out;
}

UrlList url_list(const output::Journal& journal, const Plan& whole) {
  std::unordered_map<std::uint64_t, std::size_t> rank;
  rank.reserve(whole.rendition_count());
  std::size_t next = 0;
  for (const PlannedAsset& asset : whole.assets)
    for (const PlannedRendition& r : asset.renditions) rank.emplace(output::key_hash(rendition_key(asset, r)), next++);
  std::vector<std::pair<std::size_t, const output::JournalEntry*>> listed;
  UrlList out;
  journal.for_each_latest([&](const output::JournalEntry& e) {
    const auto it = rank.find(e.key_hash);
    if (it == rank.end())
      ++out.removed;  // its file may still be on disk: nothing deletes it
    else if (e.status != output::Status::failed)
      listed.emplace_back(it->second, &e);
  });
  std::sort(listed.begin(), listed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [unused, e] : listed)
    if (const std::optional<RenditionRecord> r = journal.record(*e)) out.text += r->url + "\n";
  return out;
}

std::vector<RenditionRecord> records_in_priority_order(const std::vector<RenditionRecord>& records, const Plan& plan) {
  const std::unordered_map<std::string, std::size_t> rank = ranks(plan);
  std::vector<std::pair<std::size_t, const RenditionRecord*>> ordered;
  ordered.reserve(records.size());
  for (const RenditionRecord& r : records) {
    auto it = rank.find(r.key());
    ordered.emplace_back(it == rank.end() ? SIZE_MAX : it->second, &r);
  }
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<RenditionRecord> out;
  out.reserve(ordered.size());
  for (const auto& [unused, r] : ordered) out.push_back(*r);
  return out;
}

MergeResult merge_shards(const manifest::Manifest& manifest, const Plan& plan,
                         std::optional<double> lock_wait_seconds) {
  MergeResult result;
  const output::OutputRoot root(manifest.output.root);
  const std::optional<output::RootLock> lock =
      output::RootLock::take(root, output::lock_name("renditions.jsonl"), lock_wait_seconds, nullptr);
  const std::regex shard_journal(R"(renditions-(\d+)-of-(\d+)\.jsonl)");
  std::vector<fs::path> journals;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(manifest.output.root, ec))
    if (std::regex_match(entry.path().filename().string(), shard_journal)) journals.push_back(entry.path());
  std::sort(journals.begin(), journals.end());
  if (journals.empty())
    throw std::runtime_error(
        fmt::format("no shard journal (renditions-K-of-N.jsonl) in '{}'", manifest.output.root.string()));
  std::unordered_map<std::string, RenditionRecord> latest;
  for (const fs::path& journal : journals) {
    result.journals.push_back(journal.filename().string());
    for (RenditionRecord& r : output::Journal::read(journal)) {
      auto [it, inserted] = latest.try_emplace(r.key(), r);
      if (!inserted && r.finished_at >= it->second.finished_at) it->second = std::move(r);
    }
  }
  result.shards = journals.size();
  std::vector<RenditionRecord> all;
  all.reserve(latest.size());
  for (auto& [key, r] : latest) all.push_back(std::move(r));
  const std::vector<RenditionRecord> ordered = records_in_priority_order(all, plan);
  std::string journal_text, changed;
  for (const RenditionRecord& r : ordered) {
    journal_text += output::to_json(r).dump() + "\n";
    if (r.changed) {
      changed += r.url + "\n";
      ++result.changed;
    }
  }
  root.write("renditions.jsonl", journal_text);
  const UrlList urls = url_list(ordered, plan);
  result.removed = urls.removed;
  root.write("urls.txt", urls.text);
  root.write("changed.txt", changed);
  result.records = ordered.size();
  return result;
}

}  // namespace prerender::engine
