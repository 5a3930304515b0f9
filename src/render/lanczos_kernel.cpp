#include "render/lanczos_kernel.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace prerender::render {
namespace {

double lanczos3(double x) {
  x = std::abs(x);
  if (x < 1e-9) return 1.0;
  if (x >= k_lanczos_lobes) return 0.0;
  const double px = std::numbers::pi * x;
  return k_lanczos_lobes * std::sin(px) * std::sin(px / k_lanczos_lobes) / (px * px);
}

}  // namespace

LanczosKernel make_lanczos_kernel(int in_size, int out_size) {
  return make_lanczos_kernel(0, in_size, out_size);
}

LanczosKernel make_lanczos_kernel(double from, double extent, int out_size) {
  const double step = extent / out_size;           // source samples per output sample
  const double factor = std::max(1.0, step);       // the kernel's stretch: never narrower than unit scale
  const double support = k_lanczos_lobes * factor;
  LanczosKernel k;
  k.margin = static_cast<int>(std::ceil(support)) + 1;
  const int most = static_cast<int>(std::ceil(2 * support)) + 1;
  k.taps = (most + 7) / 8 * 8;
  k.start.resize(out_size);
  k.weights.assign(static_cast<std::size_t>(out_size) * k.taps, 0);
  std::vector<double> w(k.taps);
  for (int x = 0; x < out_size; ++x) {
    const double centre = from + (x + 0.5) * step - 0.5;
    const int first = static_cast<int>(std::floor(centre - support)) + 1;
    double sum = 0;
    for (int t = 0; t < k.taps; ++t) sum += w[t] = lanczos3((first + t - centre) / factor);
    // Quantised by rounding the running total, so that every partial sum stays within half a step of
    // the exact one (many small weights do not drift) and the weights sum exactly to one (flat areas stay
    // exactly flat).
    std::int16_t* q = &k.weights[static_cast<std::size_t>(x) * k.taps];
    double running = 0;
    long before = 0;
    for (int t = 0; t < k.taps; ++t) {
      running += w[t] / sum;
      const long now = std::lround(running * k_weight_one);
      q[t] = static_cast<std::int16_t>(now - before);
      before = now;
    }
    k.start[x] = first + k.margin;
  }
  return k;
}

}  // namespace prerender::render
