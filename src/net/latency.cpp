#include "net/latency.hpp"

#include <algorithm>
#include <cmath>

namespace prerender::net {
namespace {

constexpr double k_smallest = 1e-5;
const double k_log_step = std::log(1.01);

}  // namespace

void LatencyHistogram::add(double seconds) {
  const double s = std::max(seconds, k_smallest);
  const auto index = static_cast<std::size_t>(std::ceil(std::log(s / k_smallest) / k_log_step));
  ++m_counts[std::min(index, k_buckets - 1)];
  ++m_count;
  m_max = std::max(m_max, seconds);
}

double LatencyHistogram::quantile(double q) const {
  if (m_count == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(m_count)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < k_buckets; ++i) {
    seen += m_counts[i];
    if (seen >= std::max<std::uint64_t>(rank, 1))
      return std::min(m_max, k_smallest * std::pow(1.01, static_cast<double>(i)));
  }
  return m_max;
}

}  // namespace prerender::net
