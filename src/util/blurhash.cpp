#include "util/blurhash.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace prerender::util {
namespace {

constexpr std::string_view k_base83 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

double to_linear(std::uint8_t value) {
  const double v = value / 255.0;
  return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
}

int to_srgb(double value) {
  const double v = std::clamp(value, 0.0, 1.0);
  return static_cast<int>(v <= 0.0031308 ? v * 12.92 * 255 + 0.5 : (1.055 * std::pow(v, 1 / 2.4) - 0.055) * 255 + 0.5);
}

void append_base83(std::string& out, int value, int length) {
  for (int i = 1; i <= length; ++i) {
    int divisor = 1;
    for (int k = 0; k < length - i; ++k) divisor *= 83;
    out += k_base83[static_cast<std::size_t>((value / divisor) % 83)];
  }
}

double sign_pow(double value, double exponent) { return std::copysign(std::pow(std::abs(value), exponent), value); }

}  // namespace

std::string blurhash(std::span<const std::uint8_t> rgb, int width, int height, int x, int y) {
  struct Factor {
    double r = 0, g = 0, b = 0;
  };
  std::vector<Factor> factors(static_cast<std::size_t>(x * y));
  std::vector<double> linear(rgb.size());
  for (std::size_t i = 0; i < rgb.size(); ++i) linear[i] = to_linear(rgb[i]);
  for (int j = 0; j < y; ++j) {
    for (int i = 0; i < x; ++i) {
      Factor f;
      for (int py = 0; py < height; ++py) {
        const double cy = std::cos(std::numbers::pi * j * py / height);
        for (int px = 0; px < width; ++px) {
          const double basis = std::cos(std::numbers::pi * i * px / width) * cy;
          const std::size_t at = (static_cast<std::size_t>(py) * width + px) * 3;
          f.r += basis * linear[at];
          f.g += basis * linear[at + 1];
          f.b += basis * linear[at + 2];
        }
      }
      const double scale = (i == 0 && j == 0 ? 1.0 : 2.0) / (static_cast<double>(width) * height);
      factors[static_cast<std::size_t>(j * x + i)] = {f.r * scale, f.g * scale, f.b * scale};
    }
  }
  std::string out;
  append_base83(out, (x - 1) + (y - 1) * 9, 1);
  double maximum = 1;
  if (factors.size() > 1) {
    double actual = 0;
    for (std::size_t k = 1; k < factors.size(); ++k)
      actual = std::max({actual, std::abs(factors[k].r), std::abs(factors[k].g), std::abs(factors[k].b)});
    const int quantised = std::clamp(static_cast<int>(std::floor(actual * 166 - 0.5)), 0, 82);
    maximum = (quantised + 1) / 166.0;
    append_base83(out, quantised, 1);
  } else {
    append_base83(out, 0, 1);
  }
  const Factor& dc = factors[0];
  append_base83(out, (to_srgb(dc.r) << 16) + (to_srgb(dc.g) << 8) + to_srgb(dc.b), 4);
  for (std::size_t k = 1; k < factors.size(); ++k) {
    auto quantise = [&](double v) {
      return std::clamp(static_cast<int>(std::floor(sign_pow(v / maximum, 0.5) * 9 + 9.5)), 0, 18);
    };
    append_base83(out, quantise(factors[k].r) * 19 * 19 + quantise(factors[k].g) * 19 + quantise(factors[k].b), 2);
  }
  return out;
}

double contrast_ratio(std::uint8_t r1, std::uint8_t g1, std::uint8_t b1, std::uint8_t r2, std::uint8_t g2,
                      std::uint8_t b2) {
  auto luminance = [](std::uint8_t r, std::uint8_t g, std::uint8_t b) {
    return 0.2126 * to_linear(r) + 0.7152 * to_linear(g) + 0.0722 * to_linear(b);
  };
  const double l1 = luminance(r1, g1, b1), l2 = luminance(r2, g2, b2);
  return (std::max(l1, l2) + 0.05) / (std::min(l1, l2) + 0.05);
}

}  // namespace prerender::util
