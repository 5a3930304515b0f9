#include "report/run_report.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>

#include "util/units.hpp"
#include "util/version.hpp"

namespace prerender::report {
namespace {

using output::RenditionRecord;
using output::Status;

double percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double rank = q * (values.size() - 1);
  const auto low = static_cast<std::size_t>(std::floor(rank));
  const auto high = static_cast<std::size_t>(std::ceil(rank));
  return values[low] + (values[high] - values[low]) * (rank - low);
}

nlohmann::json stats(const std::vector<double>& values) {
  double total = 0;
  for (double v : values) total += v;
  auto round6 = [](double v) { return std::round(v * 1e6) / 1e6; };
  return {{"total", round6(total)},
          {"p50", round6(percentile(values, 0.5))},
          {"p95", round6(percentile(values, 0.95))},
          {"max", round6(values.empty() ? 0 : *std::max_element(values.begin(), values.end()))},
          {"count", values.size()}};
}

// Stage seconds of the renditions rendered in this run. Read is per asset: counted once per asset (on its
// first rendition); a decode's time is carried by the first rendition made from it (the others have 0),
// as a shared transform's is; so totals add up to the work done.
struct StageSeries {
  std::vector<double> read, decode, transform, encode, write, total;
};

StageSeries series(const std::vector<RenditionRecord>& records, const std::string* preset_filter) {
  StageSeries s;
  std::string last_asset;
  for (const RenditionRecord& r : records) {
    if (r.status != Status::rendered) continue;
    if (preset_filter && r.preset != *preset_filter) continue;
    const bool first_of_asset = r.asset != last_asset;
    last_asset = r.asset;
    if (first_of_asset) s.read.push_back(r.seconds.read);
    if (r.seconds.decode > 0) s.decode.push_back(r.seconds.decode);
    s.transform.push_back(r.seconds.transform);
    s.encode.push_back(r.seconds.encode);
    s.write.push_back(r.seconds.write);
    s.total.push_back(r.seconds.total);
  }
  return s;
}

nlohmann::json stage_json(const StageSeries& s) {
  return {{"read", stats(s.read)},           {"decode", stats(s.decode)}, {"transform", stats(s.transform)},
          {"encode", stats(s.encode)},       {"write", stats(s.write)},   {"rendition", stats(s.total)}};
}

}  // namespace

nlohmann::json run_json(const RunSummary& s) {
  nlohmann::json out;
  out["manifest"] = s.manifest;
  out["renderer_version"] = util::k_version;
  out["renditions"] = {{"rendered", s.rendered}, {"up_to_date", s.up_to_date}, {"failed", s.failed},
                       {"changed", s.changed}, {"not_started", s.renditions_not_started}};
  out["assets"] = {{"planned", s.assets}, {"not_started", s.assets_not_started}};
  out["deadline_reached"] = s.deadline_reached;
  out["interrupted_by_signal"] = s.signal;
  out["wall_seconds"] = std::round(s.wall_seconds * 1000) / 1000;
  out["renditions_per_second"] = s.wall_seconds > 0 ? std::round(s.rendered / s.wall_seconds * 100) / 100 : 0.0;
  out["peak_rss_bytes"] = s.peak_rss_bytes;
  out["jobs"] = s.jobs;
  out["memory_budget_bytes"] = s.memory_budget;
  out["peak_admitted_estimate_bytes"] = s.peak_admitted_bytes;
  static const std::vector<RenditionRecord> k_none;
  const std::vector<RenditionRecord>& records = s.records ? *s.records : k_none;
  out["stages_seconds"] = stage_json(series(records, nullptr));
  std::map<std::string, bool> presets;
  for (const RenditionRecord& r : records) presets[r.preset] = true;
  nlohmann::json per_preset = nlohmann::json::object();
  for (const auto& [name, unused] : presets) per_preset[name] = stage_json(series(records, &name));
  out["presets"] = per_preset;
  std::vector<const RenditionRecord*> slowest;
  for (const RenditionRecord& r : records)
    if (r.status == Status::rendered) slowest.push_back(&r);
  std::sort(slowest.begin(), slowest.end(), [](const RenditionRecord* a, const RenditionRecord* b) {
    return a->seconds.total > b->seconds.total;
  });
  nlohmann::json slow = nlohmann::json::array();
  for (std::size_t i = 0; i < slowest.size() && i < 5; ++i) {
    const RenditionRecord& r = *slowest[i];
    slow.push_back({{"asset", r.asset}, {"preset", r.preset}, {"format", r.format}, {"dpr", r.dpr},
                    {"seconds", std::round(r.seconds.total * 1e4) / 1e4}});
  }
  out["slowest"] = slow;
  nlohmann::json by_format = nlohmann::json::object();
  for (const RenditionRecord& r : records)
    if (r.status == Status::rendered && r.changed) by_format[r.format] = by_format.value(r.format, std::uint64_t{0}) + r.bytes;
  out["bytes_written_by_format"] = by_format;
  out["problems"] = s.problems;
  return out;
}

std::string summary_text(const RunSummary& s) {
  const nlohmann::json j = run_json(s);
  std::string out = fmt::format("{} rendered, {} up to date, {} failed, {} changed", s.rendered, s.up_to_date, s.failed, s.changed);
  if (s.renditions_not_started) out += fmt::format(", {} not started", s.renditions_not_started);
  out += fmt::format(" in {:.1f} s ({:.2f} renditions/s), peak RSS {}\n", s.wall_seconds,
                     j["renditions_per_second"].get<double>(), util::format_size(s.peak_rss_bytes));
  if (s.rendered > 0) {
    out += "stage        total s    p50 ms    p95 ms    max ms\n";
    for (const char* stage : {"read", "decode", "transform", "encode", "write"}) {
      const auto& st = j["stages_seconds"][stage];
      out += fmt::format("{:<10} {:>9.2f} {:>9.1f} {:>9.1f} {:>9.1f}\n", stage, st["total"].get<double>(),
                         st["p50"].get<double>() * 1000, st["p95"].get<double>() * 1000, st["max"].get<double>() * 1000);
    }
    out += "preset       renditions  total s    p50 ms    p95 ms    max ms\n";
    for (const auto& [name, stages] : j["presets"].items()) {
      const auto& st = stages["rendition"];
      if (st["count"].get<std::size_t>() == 0) continue;
      out += fmt::format("{:<12} {:>10} {:>8.2f} {:>9.1f} {:>9.1f} {:>9.1f}\n", name, st["count"].get<std::size_t>(),
                         st["total"].get<double>(), st["p50"].get<double>() * 1000, st["p95"].get<double>() * 1000,
                         st["max"].get<double>() * 1000);
    }
  }
  if (!j["slowest"].empty()) {
    out += "slowest:";
    for (const auto& slow : j["slowest"])
      out += fmt::format(" {} {} {} {}x ({:.0f} ms);", slow["asset"].get<std::string>(), slow["preset"].get<std::string>(),
                         slow["format"].get<std::string>(), slow["dpr"].get<double>(), slow["seconds"].get<double>() * 1000);
    out.back() = '\n';
  }
  if (s.deadline_reached) out += fmt::format("deadline reached: {} assets not started\n", s.assets_not_started);
  if (s.signal) out += fmt::format("interrupted by signal {}: {} assets not started\n", s.signal, s.assets_not_started);
  return out;
}

}  // namespace prerender::report
