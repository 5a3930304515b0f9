#pragma once

#include <cstdint>
#include <vector>

// The weights of the Lanczos-3 downsizer (render/resample.cpp): fixed point, quantised so that every
// output's weights sum exactly to one.
namespace prerender::render {

constexpr int k_weight_shift = 14;  // weights are fixed point with 14 fractional bits
constexpr int k_weight_one = 1 << k_weight_shift;
constexpr int k_lanczos_lobes = 3;

// One direction's kernel. For every output column (or row): where its taps start, counted from `margin`
// before source column 0, and `taps` weights (a multiple of eight, zeros past the kernel's end).
struct LanczosKernel {
  int margin = 0;
  int taps = 0;
  std::vector<int> start;
  std::vector<std::int16_t> weights;  // taps per output column
};

// The kernel that maps `in_size` samples to `out_size`.
LanczosKernel make_lanczos_kernel(int in_size, int out_size);

// The kernel that maps the span [from, from + extent) of the samples (fractions allowed; what lies
// outside it is not picture) to `out_size`. Where the span is at most `out_size` long, the kernel is
// Lanczos-3 at unit scale: an interpolation, not a reduction.
LanczosKernel make_lanczos_kernel(double from, double extent, int out_size);

}  // namespace prerender::render
