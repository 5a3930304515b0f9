#include "popularity/coverage.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace prerender::popularity {

std::vector<CoverageLine> coverage(const std::vector<AssetCount>& ranked, double total, std::vector<std::size_t> tops,
                                   const std::function<bool(std::uint32_t)>& up_to_date) {
  for (std::size_t& n : tops) n = std::min(n, ranked.size());
  std::sort(tops.begin(), tops.end());
  tops.erase(std::unique(tops.begin(), tops.end()), tops.end());
  std::erase(tops, 0);
  std::vector<CoverageLine> out;
  double sum = 0;
  std::size_t stale = 0;
  std::vector<std::string> first;
  std::size_t next = 0;
  for (std::size_t i = 0; i < ranked.size() && next < tops.size(); ++i) {
    sum += ranked[i].requests;
    if (!up_to_date(ranked[i].plan_index)) {
      ++stale;
      if (first.size() < 5) first.push_back(ranked[i].asset->id);
    }
    if (i + 1 == tops[next]) {
      out.push_back({tops[next], total > 0 ? sum / total : 0, stale, first});
      ++next;
    }
  }
  return out;
}

std::string with_commas(std::uint64_t value) {
  std::string digits = std::to_string(value), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string describe(const CoverageLine& line) {
  std::string text = fmt::format("top {} asset{}: {:.1f}% of image requests", with_commas(line.top),
                                 line.top == 1 ? "" : "s", line.share * 100);
  if (line.not_up_to_date == 0) return text + "; all up to date";
  std::string names;
  for (const std::string& id : line.first_not_up_to_date) names += (names.empty() ? "" : ", ") + id;
  return text + fmt::format("; {} without up-to-date renditions ({}{})", with_commas(line.not_up_to_date), names,
                            line.not_up_to_date > line.first_not_up_to_date.size() ? ", ..." : "");
}

}  // namespace prerender::popularity
