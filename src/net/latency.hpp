#pragma once

#include <array>
#include <cstdint>

namespace prerender::net {

// Latencies in fixed logarithmic buckets (1% wide, 10 µs to 1000 s), so that percentiles of any number of
// requests take the same memory. A quantile is the upper edge of its bucket: at most 1% high.
class LatencyHistogram {
 public:
  void add(double seconds);
  double quantile(double q) const;  // 0 when empty
  double max() const { return m_max; }
  std::uint64_t count() const { return m_count; }

 private:
  static constexpr std::size_t k_buckets = 1852;  // ln(1e8) / ln(1.01)
  std::array<std::uint64_t, k_buckets> m_counts{};
  std::uint64_t m_count = 0;
  double m_max = 0;
};

}  // namespace prerender::net
