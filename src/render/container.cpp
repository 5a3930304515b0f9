#include "render/container.hpp"

#include <cstdint>
#include <string_view>

namespace prerender::render {
namespace {

std::uint32_t le32(std::string_view s, std::size_t at) {
  return static_cast<unsigned char>(s[at]) | static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3])) << 24;
}

void put_le32(std::string& s, std::size_t at, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

// Segments before the first scan, APP1 "Exif\0\0" left out; the rest copied as it is.
std::string jpeg_without_exif(const std::string& in) {
  std::string out = in.substr(0, 2);
  std::size_t at = 2;
  while (at + 4 <= in.size() && static_cast<unsigned char>(in[at]) == 0xFF) {
    const unsigned marker = static_cast<unsigned char>(in[at + 1]);
    if (marker == 0xDA) break;  // start of scan: no metadata after it
    const std::size_t length =
        static_cast<std::size_t>(static_cast<unsigned char>(in[at + 2])) << 8 | static_cast<unsigned char>(in[at + 3]);
    if (length < 2 || at + 2 + length > in.size()) return in;  // not what a saver writes: left alone
    const std::string_view body = std::string_view(in).substr(at + 4, length - 2);
    if (!(marker == 0xE1 && body.substr(0, 6) == std::string_view("Exif\0\0", 6))) out.append(in, at, 2 + length);
    at += 2 + length;
  }
  out.append(in, at, std::string::npos);
  return out;
}

// RIFF chunks without "EXIF", the VP8X EXIF flag cleared and the RIFF size set again.
std::string webp_without_exif(const std::string& in) {
  std::string out = in.substr(0, 12);
  std::size_t at = 12;
  while (at + 8 <= in.size()) {
    const std::size_t length = le32(in, at + 4);
    const std::size_t padded = 8 + length + (length & 1);
    if (at + padded > in.size()) return in;
    const std::string_view type = std::string_view(in).substr(at, 4);
    if (type != "EXIF") {
      const std::size_t start = out.size();
      out.append(in, at, padded);
      if (type == "VP8X" && length > 0)
        out[start + 8] = static_cast<char>(static_cast<unsigned char>(out[start + 8]) & ~0x08u);
    }
    at += padded;
  }
  if (at != in.size()) return in;
  put_le32(out, 4, static_cast<std::uint32_t>(out.size() - 8));
  return out;
}

}  // namespace

std::string without_exif(std::string bytes) {
  if (bytes.size() > 4 && static_cast<unsigned char>(bytes[0]) == 0xFF && static_cast<unsigned char>(bytes[1]) == 0xD8)
    return jpeg_without_exif(bytes);
  if (bytes.size() > 12 && bytes.compare(0, 4, "RIFF") == 0 && bytes.compare(8, 4, "WEBP") == 0)
    return webp_without_exif(bytes);
  return bytes;
}

}  // namespace prerender::render
