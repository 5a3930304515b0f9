#include "render/sniff.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <fstream>
#include <utility>

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
    for (std::string_view brand :
         {"heic"sv, "heix"sv, "hevc"sv, "heim"sv, "heis"sv, "mif1"sv, "msf1"sv, "avif"sv, "avis"sv})
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

std::string read_head(const std::filesystem::path& path, std::size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  std::string buffer(bytes, '\0');
  in.read(buffer.data(), static_cast<std::streamsize>(bytes));
  buffer.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, in.gcount())));
  return buffer;
}

namespace {

bool starts_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

// The head without leading white space and byte-order mark.
std::string_view content_start(std::string_view head) {
  if (starts(head, "\xEF\xBB\xBF")) head.remove_prefix(3);
  while (!head.empty() && std::isspace(static_cast<unsigned char>(head.front()))) head.remove_prefix(1);
  return head;
}

bool looks_like_html(std::string_view text) {
  for (std::string_view tag :
       {"<!doctype html", "<html", "<head", "<body", "<title", "<meta", "<!--", "<div", "<p>", "<h1", "<script"})
    if (starts_nocase(text, tag)) return true;
  return false;
}

// Whether the head is text: UTF-8 or ASCII with no control characters but white space.
bool is_text(std::string_view head) {
  if (head.empty()) return false;
  for (unsigned char c : head)
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') return false;
  return true;
}

// The first line of text, shortened, for a message.
std::string quote(std::string_view text) {
  std::string line(text.substr(0, text.find_first_of("\r\n")));
  constexpr std::size_t k_max = 40;
  if (line.size() > k_max) {
    std::size_t cut = k_max;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
    line = line.substr(0, cut) + "...";
  }
  return "\"" + line + "\"";
}

std::string hex(std::string_view bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes.substr(0, 8)) {
    if (!out.empty()) out += ' ';
    out += k_digits[c >> 4];
    out += k_digits[c & 15];
  }
  return out;
}

}  // namespace

std::string describe_unknown(std::string_view h) {
  using namespace std::literals;
  if (h.empty()) return "not an image: the file is empty";
  // The right magic with what follows it broken: a damaged image, not another kind of file.
  if (starts(h, "\xFF\xD8"sv) && h.size() < 3) return "corrupt JPEG: the file ends after its start-of-image marker";
  if (starts(h, "\xFF\xD8"sv))
    return fmt::format("corrupt JPEG: the start-of-image marker is followed by {} instead of another marker",
                       hex(h.substr(2, 2)));
  if (starts(h, "\x89PNG"sv))
    return "corrupt PNG: the signature is damaged (line endings converted in a text-mode transfer?)";
  if (starts(h, "GIF8"sv))
    return fmt::format("corrupt GIF: unknown version '{}'", h.substr(0, std::min<std::size_t>(6, h.size())));
  if (starts(h, "RIFF"sv) && h.size() >= 12)
    return fmt::format("not an image: a RIFF file of type '{}'", h.substr(8, 4));
  if (starts(h, "ftyp"sv, 4) && h.size() >= 12)
    return fmt::format("not an image prerender reads: an ISO media file of brand '{}' (a video?)", h.substr(8, 4));
  if (starts(h, "PK\x03\x04"sv)) return "not an image: a ZIP archive";
  if (starts(h,
             "\x7F"
             "ELF"sv))
    return "not an image: an executable";
  const std::string_view text = content_start(h);
  if (looks_like_html(text))
    return fmt::format(
        "not an image: the file starts like HTML ({}), such as an error page saved in place of the image", quote(text));
  if (is_text(h)) {
    if (starts(text, "{"sv) || starts(text, "["sv))
      return fmt::format("not an image: the file starts like JSON ({})", quote(text));
    return fmt::format("not an image: the file holds text ({})", quote(text));
  }
  return fmt::format(
      "not an image prerender recognises: it starts with the bytes {} (list 'unknown' in limits.formats to let "
      "libvips try its other loaders)",
      hex(h));
}

std::string format_title(std::string_view format) {
  static constexpr std::pair<std::string_view, std::string_view> k_titles[] = {
      {"jpeg", "JPEG"}, {"png", "PNG"},   {"gif", "GIF"}, {"webp", "WebP"},   {"avif", "AVIF"},      {"heic", "HEIC"},
      {"heif", "HEIF"}, {"tiff", "TIFF"}, {"svg", "SVG"}, {"jxl", "JPEG XL"}, {"jp2k", "JPEG 2000"}, {"pdf", "PDF"}};
  for (const auto& [name, title] : k_titles)
    if (format == name) return std::string(title);
  return std::string(format);
}

std::string sniff_file(const std::filesystem::path& path) { return sniff_format(read_head(path)); }

std::string sniff_output_format_of(const std::filesystem::path& path) { return sniff_output_format(read_head(path)); }

bool is_core_format(std::string_view family) {
  for (std::string_view core : {"jpeg", "png", "webp", "gif", "heif", "tiff"})
    if (family == core) return true;
  return false;
}

}  // namespace prerender::render
