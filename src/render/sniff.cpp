#include "render/sniff.hpp"

#include <array>
#include <cctype>
#include <fstream>

namespace prerender::render {
namespace {

bool starts(std::string_view head, std::string_view magic, std::size_t at = 0) {
  return head.size() >= at + magic.size() && head.substr(at, magic.size()) == magic;
}

}  // namespace

std::string sniff_format(std::string_view h) {
  using namespace std::literals;
  if (starts(h, "\xFF\xD8\xFF"sv)) return "jpeg";
  if (starts(h, "\x89PNG\r\n\x1A\n"sv)) return "png";
  if (starts(h, "GIF87a"sv) || starts(h, "GIF89a"sv)) return "gif";
  if (starts(h, "RIFF"sv) && starts(h, "WEBP"sv, 8)) return "webp";
  if (starts(h, "ftyp"sv, 4)) {
    for (std::string_view brand : {"heic"sv, "heix"sv, "hevc"sv, "heim"sv, "heis"sv, "mif1"sv, "msf1"sv, "avif"sv, "avis"sv})
      if (starts(h, brand, 8)) return "heif";
  }
  if (starts(h, "II*\0"sv) || starts(h, "MM\0*"sv) || starts(h, "II+\0"sv) || starts(h, "MM\0+"sv)) return "tiff";
  if (starts(h, "\xFF\x0A"sv) || starts(h, "\0\0\0\x0CJXL \r\n\x87\n"sv)) return "jxl";
  if (starts(h, "\0\0\0\x0CjP  \r\n\x87\n"sv) || starts(h, "\xFF\x4F\xFF\x51"sv)) return "jp2k";
  if (starts(h, "%PDF"sv)) return "pdf";
  if (starts(h, "\x1F\x8B"sv)) return "svg";  // gzip: the only compressed source libvips reads is .svgz
  std::size_t i = 0;
  while (i < h.size() && std::isspace(static_cast<unsigned char>(h[i]))) ++i;
  if (starts(h, "\xEF\xBB\xBF"sv, i)) i += 3;
  if (starts(h, "<?xml"sv, i) || starts(h, "<svg"sv, i) || starts(h, "<!DOCTYPE svg"sv, i)) return "svg";
  return "unknown";
}

std::string sniff_output_format(std::string_view head) {
  std::string family = sniff_format(head);
  if (family != "heif") return family;
  using namespace std::literals;
  return starts(head, "avif"sv, 8) || starts(head, "avis"sv, 8) ? "avif" : "heic";
}

namespace {

std::string read_head(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 64> buffer{};
  in.read(buffer.data(), buffer.size());
  return std::string(buffer.data(), static_cast<std::size_t>(in.gcount()));
}

}  // namespace

std::string sniff_file(const std::filesystem::path& path) { return sniff_format(read_head(path)); }

std::string sniff_output_format_of(const std::filesystem::path& path) { return sniff_output_format(read_head(path)); }

bool is_core_format(std::string_view family) {
  for (std::string_view core : {"jpeg", "png", "webp", "gif", "heif", "tiff"})
    if (family == core) return true;
  return false;
}

}  // namespace prerender::render
