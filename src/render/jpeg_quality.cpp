#include "render/jpeg_quality.hpp"

#include <array>
#include <cstdint>

namespace prerender::render {
namespace {

using Table = std::array<int, 64>;

// ITU-T T.81 Annex K, tables K.1 and K.2, in natural (row-major) order as libjpeg holds them.
constexpr Table k_luminance = {16, 11, 10, 16, 24,  40,  51,  61,  12, 12, 14, 19, 26,  58,  60,  55,
                               14, 13, 16, 24, 40,  57,  69,  56,  14, 17, 22, 29, 51,  87,  80,  62,
                               18, 22, 37, 56, 68,  109, 103, 77,  24, 35, 55, 64, 81,  104, 113, 92,
                               49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};
constexpr Table k_chrominance = {17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99,
                                 99, 99, 47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
                                 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99};

// Where the i-th value of a DQT segment (zig-zag order) goes in natural order.
constexpr std::array<int, 64> k_natural_order = {0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,
                                                 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6,  7,  14, 21, 28,
                                                 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
                                                 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

// libjpeg's jpeg_quality_scaling and jpeg_add_quant_table with force_baseline.
Table scaled(const Table& basic, int quality) {
  const long factor = quality < 50 ? 5000 / quality : 200 - quality * 2;
  Table out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    long value = (basic[i] * factor + 50) / 100;
    if (value <= 0) value = 1;
    if (value > 255) value = 255;
    out[i] = static_cast<int>(value);
  }
  return out;
}

}  // namespace

std::optional<int> jpeg_quality(std::string_view bytes) {
  auto byte = [&](std::size_t at) { return static_cast<std::uint8_t>(bytes[at]); };
  if (bytes.size() < 4 || byte(0) != 0xFF || byte(1) != 0xD8) return std::nullopt;
  std::array<std::optional<Table>, 4> tables;
  std::size_t at = 2;
  // Segments up to the first scan: the tables of a file libjpeg wrote all come before it.
  while (true) {
    if (at + 4 > bytes.size() || byte(at) != 0xFF) return std::nullopt;
    const std::uint8_t marker = byte(at + 1);
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (marker == 0xDA || marker == 0xD9) break;
    const std::size_t length = static_cast<std::size_t>(byte(at + 2)) << 8 | byte(at + 3);
    if (length < 2 || at + 2 + length > bytes.size()) return std::nullopt;
    if (marker == 0xDB) {
      std::size_t p = at + 4;
      const std::size_t end = at + 2 + length;
      while (p < end) {
        const int precision = byte(p) >> 4, id = byte(p) & 0x0F;
        const std::size_t size = precision == 0 ? 64 : 128;
        if (id > 3 || precision > 1 || p + 1 + size > end) return std::nullopt;
        Table table{};
        for (std::size_t i = 0; i < 64; ++i) {
          const std::size_t v = p + 1 + (precision == 0 ? i : 2 * i);
          table[static_cast<std::size_t>(k_natural_order[i])] = precision == 0 ? byte(v) : (byte(v) << 8 | byte(v + 1));
        }
        tables[static_cast<std::size_t>(id)] = table;
        p += 1 + size;
      }
    }
    at += 2 + length;
  }
  // libjpeg writes table 0 (luminance) and, for colour, table 1 (chrominance), nothing else.
  if (!tables[0] || tables[2] || tables[3]) return std::nullopt;
  std::optional<int> found;
  for (int quality = 1; quality <= 100; ++quality) {
    if (scaled(k_luminance, quality) != *tables[0]) continue;
    if (tables[1] && scaled(k_chrominance, quality) != *tables[1]) continue;
    if (found) return std::nullopt;  // two qualities give these tables: it cannot be told
    found = quality;
  }
  return found;
}

}  // namespace prerender::render
