#include "report/quality_stats.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace prerender::report {
namespace {

double round3(double v) { return std::round(v * 1000) / 1000; }

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

QualityStats quality_stats(const std::vector<output::RenditionRecord>& records) {
  QualityStats out;
  for (const output::RenditionRecord& r : records) {
    if (r.status != output::Status::rendered) continue;
    out.encodes += static_cast<std::uint64_t>(r.encodes);
    out.scores += static_cast<std::uint64_t>(r.scores);
    if (r.scores > 0) ++out.searched;
    if (r.quality_remembered) ++out.remembered;
    if (r.target_missed) ++out.target_missed;
    // Only decided qualities: a fixed one says nothing the preset does not.
    if (!r.score && !r.quality_remembered && r.encodes <= 1) continue;
    const std::string key = r.preset + "/" + r.format;
    ++out.chosen[key][r.quality];
    if (r.score) out.score_values[key].push_back(*r.score);
  }
  return out;
}

nlohmann::json to_json(const QualityStats& s) {
  nlohmann::json chosen = nlohmann::json::object();
  for (const auto& [key, qualities] : s.chosen) {
    nlohmann::json q = nlohmann::json::object();
    for (const auto& [quality, count] : qualities) q[std::to_string(quality)] = count;
    nlohmann::json entry{{"qualities", q}};
    if (const auto it = s.score_values.find(key); it != s.score_values.end() && !it->second.empty())
      entry["score"] = {{"p50", round3(median(it->second))},
                        {"max", round3(*std::max_element(it->second.begin(), it->second.end()))}};
    chosen[key] = entry;
  }
  return {{"encodes", s.encodes},
          {"scores", s.scores},
          {"searched", s.searched},
          {"remembered", s.remembered},
          {"target_missed", s.target_missed},
          {"chosen", chosen}};
}

std::string quality_text(const QualityStats& s) {
  if (s.chosen.empty()) return "";
  std::string out =
      fmt::format("quality: {} encodes, {} butteraugli; {} searched, {} remembered, {} missed the target\n", s.encodes,
                  s.scores, s.searched, s.remembered, s.target_missed);
  for (const auto& [key, qualities] : s.chosen) {
    std::string line = fmt::format("  {:<24}", key);
    for (const auto& [quality, count] : qualities) line += fmt::format(" q{}x{}", quality, count);
    if (const auto it = s.score_values.find(key); it != s.score_values.end() && !it->second.empty())
      line += fmt::format("  (butteraugli p50 {:.2f}, max {:.2f})", median(it->second),
                          *std::max_element(it->second.begin(), it->second.end()));
    out += line + "\n";
  }
  return out;
}

std::string auto_quality_note(const std::optional<double>& score, bool full_chroma) {
  if (!score) return {};
  return fmt::format("{} (butteraugli {:.2f})", full_chroma ? " at 4:4:4" : "", *score);
}

}  // namespace prerender::report
