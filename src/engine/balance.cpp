#include "engine/balance.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sys/stat.h>

#include "output/journal.hpp"
#include "util/hash.hpp"

namespace prerender::engine {
namespace {

constexpr double k_floor_seconds = 1e-3;              // the bottom of class 0; cheaper estimates count as this
constexpr double k_class_ratio = 1.4142135623730951;  // sqrt(2)
constexpr double k_sticky_factor = 1.5;
// Used when the journal has no asset with both figures: about 20 ns per source pixel and rendition, and
// JPEG photographs at about 4 pixels per byte.
constexpr double k_default_seconds_per_pixel = 2e-8;
constexpr double k_default_pixels_per_byte = 4;

std::uint64_t source_bytes(const std::filesystem::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0;
}

// Seconds per pixel-rendition and per byte-rendition, over the assets with a measured cost.
std::pair<double, double> fitted_factors(const CostTable& table) {
  double seconds_px = 0, pixels = 0, seconds_bytes = 0, bytes = 0;
  for (const auto& [id, known] : table.assets) {
    if (known.costed == 0) continue;
    if (known.pixels > 0) {
      seconds_px += known.seconds;
      pixels += static_cast<double>(known.pixels) * known.costed;
    }
    if (known.source_size > 0) {
      seconds_bytes += known.seconds;
      bytes += static_cast<double>(known.source_size) * known.costed;
    }
  }
  const double per_pixel = pixels > 0 ? seconds_px / pixels : k_default_seconds_per_pixel;
  const double per_byte = bytes > 0 ? seconds_bytes / bytes : per_pixel * k_default_pixels_per_byte;
  return {per_pixel, per_byte};
}

double central_cost(int cost_class) { return k_floor_seconds * std::pow(k_class_ratio, cost_class + 0.5); }

}  // namespace

std::string_view name(CostBasis basis) {
  switch (basis) {
    case CostBasis::measured: return "measured";
    case CostBasis::pixels: return "pixels";
    case CostBasis::file_size: return "file size";
  }
  return "file size";
}

CostTable CostTable::read(const std::filesystem::path& journal) {
  CostTable table;
  output::Journal::read(journal, [&](output::RenditionRecord&& r) {
    KnownCost& known = table.assets[r.asset];
    if (r.cost_seconds > 0) {
      known.seconds += r.cost_seconds;
      ++known.costed;
    }
    if (r.source_width > 0 && r.source_height > 0)
      known.pixels = static_cast<std::uint64_t>(r.source_width) * static_cast<std::uint64_t>(r.source_height);
    if (r.source_size > 0) known.source_size = r.source_size;
  });
  return table;
}

std::vector<AssetEstimate> estimate_costs(const std::vector<const PlannedAsset*>& assets, const CostTable& table) {
  const auto [per_pixel, per_byte] = fitted_factors(table);
  std::vector<AssetEstimate> out;
  out.reserve(assets.size());
  for (const PlannedAsset* asset : assets) {
    const double renditions = static_cast<double>(asset->renditions.size());
    const auto it = table.assets.find(asset->asset->id);
    AssetEstimate e;
    if (it != table.assets.end() && it->second.costed > 0) {
      e = {it->second.seconds / it->second.costed * renditions, CostBasis::measured};
    } else if (it != table.assets.end() && it->second.pixels > 0) {
      e = {static_cast<double>(it->second.pixels) * renditions * per_pixel, CostBasis::pixels};
    } else {
      const std::uint64_t bytes = source_bytes(asset->asset->source_path);
      e = {static_cast<double>(bytes) * renditions * per_byte, CostBasis::file_size};
    }
    out.push_back(e);
  }
  return out;
}

int cost_class(double seconds) {
  if (!(seconds > k_floor_seconds)) return 0;
  return static_cast<int>(std::floor(std::log(seconds / k_floor_seconds) / std::log(k_class_ratio)));
}

std::vector<std::uint32_t> balance_shards(const std::vector<std::string_view>& ids, const std::vector<double>& seconds,
                                          std::uint32_t count) {
  std::vector<std::uint32_t> shard(ids.size(), 0);
  if (count <= 1) return shard;
  // Classes, most expensive first; within one, by hash of the id (the id itself if two hashes meet).
  std::map<int, std::vector<std::size_t>, std::greater<>> classes;
  for (std::size_t i = 0; i < ids.size(); ++i) classes[cost_class(seconds[i])].push_back(i);
  std::vector<std::pair<int, std::size_t>> aside;  // (class, asset), in the order they are dealt
  for (auto& [cls, members] : classes) {
    std::vector<std::pair<std::uint64_t, std::size_t>> ranked;
    ranked.reserve(members.size());
    for (std::size_t i : members) ranked.emplace_back(util::stable_hash64(ids[i]), i);
    std::sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : ids[a.second] < ids[b.second];
    });
    const std::size_t m = ranked.size(), run = m / count;
    for (std::uint32_t s = 0; s < count; ++s) {
      const std::size_t from = s * m / count, to = (s + 1) * m / count;
      for (std::size_t rank = from; rank < to; ++rank) {
        if (rank < from + run)
          shard[ranked[rank].second] = s;
        else
          aside.emplace_back(cls, ranked[rank].second);
      }
    }
  }
  // Every shard took the same number of each class's runs: only the assets set aside differ.
  std::vector<double> load(count, 0);
  std::stable_sort(aside.begin(), aside.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [cls, i] : aside) {
    const auto lightest = static_cast<std::uint32_t>(std::min_element(load.begin(), load.end()) - load.begin());
    shard[i] = lightest;
    load[lightest] += central_cost(cls);
  }
  return shard;
}

std::vector<std::uint32_t> hash_shards(const std::vector<std::string_view>& ids, std::uint32_t count) {
  std::vector<std::uint32_t> shard;
  shard.reserve(ids.size());
  for (std::string_view id : ids) shard.push_back(static_cast<std::uint32_t>(util::stable_hash64(id) % count));
  return shard;
}

ShardAssignment assign_shards(const std::vector<const PlannedAsset*>& assets, const CostTable& table,
                              std::uint32_t count, ShardBy by) {
  ShardAssignment out;
  out.estimates = estimate_costs(assets, table);
  std::vector<std::string_view> ids;
  std::vector<double> seconds;
  ids.reserve(assets.size());
  seconds.reserve(assets.size());
  for (std::size_t i = 0; i < assets.size(); ++i) {
    ids.push_back(assets[i]->asset->id);
    seconds.push_back(out.estimates[i].seconds);
  }
  out.shard_of = by == ShardBy::hash ? hash_shards(ids, count) : balance_shards(ids, seconds, count);
  out.loads.resize(count);
  for (std::size_t i = 0; i < assets.size(); ++i) {
    ShardLoad& load = out.loads[out.shard_of[i]];
    ++load.assets;
    load.renditions += assets[i]->renditions.size();
    load.seconds += out.estimates[i].seconds;
    switch (out.estimates[i].basis) {
      case CostBasis::measured: ++out.measured; break;
      case CostBasis::pixels: ++out.pixels; break;
      case CostBasis::file_size: ++out.file_size; break;
    }
  }
  return out;
}

ShardAssignment plan_shards(const manifest::Manifest& manifest, const Plan& plan, std::uint32_t count, ShardBy by) {
  const CostTable table = CostTable::read(manifest.output.root / "renditions.jsonl");
  std::vector<const PlannedAsset*> assets;
  assets.reserve(plan.assets.size());
  for (const PlannedAsset& a : plan.assets) assets.push_back(&a);
  return assign_shards(assets, table, count, by);
}

std::vector<double> sticky_costs(const std::vector<double>& previous, const std::vector<double>& measured) {
  double was = 0, now = 0;
  bool every = previous.size() == measured.size();
  for (std::size_t i = 0; every && i < previous.size(); ++i) {
    every = previous[i] > 0;
    was += previous[i];
    now += measured[i];
  }
  const bool keep = every && now <= was * k_sticky_factor && now >= was / k_sticky_factor;
  std::vector<double> out;
  out.reserve(measured.size());
  for (std::size_t i = 0; i < measured.size(); ++i)
    out.push_back(std::max(std::round((keep ? previous[i] : measured[i]) * 1e4) / 1e4, 1e-4));
  return out;
}

}  // namespace prerender::engine
