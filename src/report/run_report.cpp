#include "report/run_report.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

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

// Rounded to 1/per: 1e6 for microseconds.
double round_to(double value, double per) { return std::round(value * per) / per; }

StageStats stage_stats(const std::vector<double>& values) {
  double total = 0;
  for (double v : values) total += v;
  constexpr double k_us = 1e6;
  return {round_to(total, k_us), round_to(percentile(values, 0.5), k_us), round_to(percentile(values, 0.95), k_us),
          round_to(values.empty() ? 0 : *std::max_element(values.begin(), values.end()), k_us), values.size()};
}

StageTable stage_table(const std::vector<RenditionRecord>& records, const std::string* preset_filter) {
  std::vector<double> read, decode, transform, encode, write, total;
  std::string last_asset;
  for (const RenditionRecord& r : records) {
    if (r.status != Status::rendered) continue;
    if (preset_filter && r.preset != *preset_filter) continue;
    const bool first_of_asset = r.asset != last_asset;
    last_asset = r.asset;
    if (first_of_asset) read.push_back(r.seconds.read);
    if (r.seconds.decode > 0) decode.push_back(r.seconds.decode);
    transform.push_back(r.seconds.transform);
    encode.push_back(r.seconds.encode);
    write.push_back(r.seconds.write);
    total.push_back(r.seconds.total);
  }
  return {stage_stats(read),   stage_stats(decode), stage_stats(transform),
          stage_stats(encode), stage_stats(write),  stage_stats(total)};
}

std::vector<SlowRendition> slowest(const std::vector<RenditionRecord>& records) {
  std::vector<const RenditionRecord*> rendered;
  for (const RenditionRecord& r : records)
    if (r.status == Status::rendered) rendered.push_back(&r);
  std::sort(rendered.begin(), rendered.end(),
            [](const RenditionRecord* a, const RenditionRecord* b) { return a->seconds.total > b->seconds.total; });
  std::vector<SlowRendition> out;
  for (std::size_t i = 0; i < rendered.size() && i < 5; ++i) {
    const RenditionRecord& r = *rendered[i];
    out.push_back({r.asset, r.preset, r.format, r.dpr, round_to(r.seconds.total, 1e4)});
  }
  return out;
}

nlohmann::json to_json(const StageStats& s) {
  return {{"total", s.total}, {"p50", s.p50}, {"p95", s.p95}, {"max", s.max}, {"count", s.count}};
}

nlohmann::json to_json(const StageTable& t) {
  return {{"read", to_json(t.read)},     {"decode", to_json(t.decode)}, {"transform", to_json(t.transform)},
          {"encode", to_json(t.encode)}, {"write", to_json(t.write)},   {"rendition", to_json(t.rendition)}};
}

}  // namespace

RunStats run_stats(const RunSummary& summary) {
  RunStats out;
  out.summary = summary;
  out.summary.records = nullptr;
  const std::vector<RenditionRecord> none;
  const std::vector<RenditionRecord>& records = summary.records ? *summary.records : none;
  out.renditions_per_second = summary.wall_seconds > 0 ? round_to(summary.rendered / summary.wall_seconds, 100) : 0.0;
  out.stages = stage_table(records, nullptr);
  for (const RenditionRecord& r : records)
    if (!out.presets.count(r.preset)) out.presets[r.preset] = stage_table(records, &r.preset);
  out.slowest = slowest(records);
  for (const RenditionRecord& r : records)
    if (r.status == Status::rendered && r.changed) out.bytes_written_by_format[r.format] += r.bytes;
  out.quality = quality_stats(records);
  return out;
}

nlohmann::json to_json(const RunStats& stats) {
  const RunSummary& s = stats.summary;
  nlohmann::json out;
  out["manifest"] = s.manifest;
  out["renderer_version"] = util::k_version;
  out["renditions"] = {{"rendered", s.rendered},
                       {"up_to_date", s.up_to_date},
                       {"failed", s.failed},
                       {"changed", s.changed},
                       {"not_started", s.renditions_not_started}};
  out["assets"] = {{"planned", s.assets}, {"not_started", s.assets_not_started}};
  out["deadline_reached"] = s.deadline_reached;
  out["interrupted_by_signal"] = s.signal;
  out["wall_seconds"] = round_to(s.wall_seconds, 1e3);
  out["renditions_per_second"] = stats.renditions_per_second;
  out["peak_rss_bytes"] = s.peak_rss_bytes;
  out["jobs"] = s.jobs;
  out["memory_budget_bytes"] = s.memory_budget;
  out["peak_admitted_estimate_bytes"] = s.peak_admitted_bytes;
  out["stages_seconds"] = to_json(stats.stages);
  nlohmann::json per_preset = nlohmann::json::object();
  for (const auto& [name, table] : stats.presets) per_preset[name] = to_json(table);
  out["presets"] = per_preset;
  nlohmann::json slow = nlohmann::json::array();
  for (const SlowRendition& r : stats.slowest)
    slow.push_back(
        {{"asset", r.asset}, {"preset", r.preset}, {"format", r.format}, {"dpr", r.dpr}, {"seconds", r.seconds}});
  out["slowest"] = slow;
  nlohmann::json by_format = nlohmann::json::object();
  for (const auto& [format, bytes] : stats.bytes_written_by_format) by_format[format] = bytes;
  out["bytes_written_by_format"] = by_format;
  out["quality"] = to_json(stats.quality);
  out["problems"] = s.problems;
  if (s.store_counts)
    out["store"] = {{"url", s.store},
                    {"puts", s.store_counts->puts},
                    {"put_bytes", s.store_counts->put_bytes},
                    {"heads", s.store_counts->heads},
                    {"unchanged", s.store_counts->unchanged},
                    {"retries", s.store_counts->retries}};
  return out;
}

std::string summary_text(const RunStats& stats) {
  const RunSummary& s = stats.summary;
  std::string out =
      fmt::format("{} rendered, {} up to date, {} failed, {} changed", s.rendered, s.up_to_date, s.failed, s.changed);
  if (s.renditions_not_started) out += fmt::format(", {} not started", s.renditions_not_started);
  out += fmt::format(" in {:.1f} s ({:.2f} renditions/s), peak RSS {}\n", s.wall_seconds, stats.renditions_per_second,
                     util::format_size(s.peak_rss_bytes));
  const auto ms = [](const StageStats& st) {
    return fmt::format("{:>9.1f} {:>9.1f} {:>9.1f}", st.p50 * 1000, st.p95 * 1000, st.max * 1000);
  };
  if (s.rendered > 0) {
    out += "stage        total s    p50 ms    p95 ms    max ms\n";
    const std::pair<const char*, const StageStats*> stages[] = {{"read", &stats.stages.read},
                                                                {"decode", &stats.stages.decode},
                                                                {"transform", &stats.stages.transform},
                                                                {"encode", &stats.stages.encode},
                                                                {"write", &stats.stages.write}};
    for (const auto& [name, st] : stages) out += fmt::format("{:<10} {:>9.2f} {}\n", name, st->total, ms(*st));
    out += "preset       renditions  total s    p50 ms    p95 ms    max ms\n";
    for (const auto& [name, table] : stats.presets) {
      const StageStats& st = table.rendition;
      if (st.count == 0) continue;
      out += fmt::format("{:<12} {:>10} {:>8.2f} {}\n", name, st.count, st.total, ms(st));
    }
  }
  out += quality_text(stats.quality);
  if (!stats.slowest.empty()) {
    out += "slowest:";
    for (const SlowRendition& r : stats.slowest)
      out += fmt::format(" {} {} {} {}x ({:.0f} ms);", r.asset, r.preset, r.format, r.dpr, r.seconds * 1000);
    out.back() = '\n';
  }
  if (s.deadline_reached) out += fmt::format("deadline reached: {} assets not started\n", s.assets_not_started);
  if (s.signal) out += fmt::format("interrupted by signal {}: {} assets not started\n", s.signal, s.assets_not_started);
  return out;
}

}  // namespace prerender::report
