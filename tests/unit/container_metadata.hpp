#pragma once

// What metadata an encoded file carries, read from its container by hand (not through libvips, whose
// loaders would only show what they understand): JPEG APPn/COM segments, PNG chunks, RIFF (WebP) chunks
// and VP8X flags, ISOBMFF (AVIF, HEIC) items and colour boxes, JPEG XL boxes, GIF extensions.

#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

namespace prerender::test {

struct ContainerMetadata {
  std::set<std::string> kinds;  // "exif", "xmp", "icc", "iptc", "text", "comment", "application"
  std::string exif;             // the EXIF payload (a TIFF structure), when there is one
  bool has(const std::string& kind) const { return kinds.count(kind) != 0; }
};

namespace container_detail {

inline std::uint32_t be32(std::string_view s, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8 | static_cast<unsigned char>(s[at + 3]);
}
inline std::uint32_t be16(std::string_view s, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 8 | static_cast<unsigned char>(s[at + 1]);
}
inline std::uint32_t le32(std::string_view s, std::size_t at) {
  return static_cast<unsigned char>(s[at]) | static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3])) << 24;
}
inline bool starts(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
inline void need(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("malformed container: ") + what);
}

inline void jpeg(std::string_view s, ContainerMetadata& out) {
  std::size_t at = 2;
  while (at + 4 <= s.size()) {
    need(static_cast<unsigned char>(s[at]) == 0xFF, "jpeg marker");
    const unsigned marker = static_cast<unsigned char>(s[at + 1]);
    if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01 || marker == 0xFF) {
      at += marker == 0xFF ? 1 : 2;
      continue;
    }
    if (marker == 0xDA || marker == 0xD9) return;  // start of scan: metadata comes before it
    const std::size_t length = be16(s, at + 2);
    need(length >= 2 && at + 2 + length <= s.size(), "jpeg segment length");
    const std::string_view body = s.substr(at + 4, length - 2);
    if (marker == 0xE1 && starts(body, std::string_view("Exif\0\0", 6))) {
      out.kinds.insert("exif");
      out.exif = std::string(body.substr(6));
    } else if (marker == 0xE1 &&
               (starts(body, "http://ns.adobe.com/xap/1.0/") || starts(body, "http://ns.adobe.com/xmp/extension/"))) {
      out.kinds.insert("xmp");
    } else if (marker == 0xE2 && starts(body, "ICC_PROFILE")) {
      out.kinds.insert("icc");
    } else if (marker == 0xED) {
      out.kinds.insert("iptc");  // APP13, Photoshop IRB with IPTC-IIM
    } else if (marker == 0xFE) {
      out.kinds.insert("comment");
    } else if (marker >= 0xE1 && marker <= 0xEF && !(marker == 0xE2 && starts(body, "MPF"))) {
      out.kinds.insert("application");
    }
    at += 2 + length;
  }
}

inline void png_text(std::string_view keyword, ContainerMetadata& out) {
  if (keyword == "XML:com.adobe.xmp" || keyword == "Raw profile type xmp")
    out.kinds.insert("xmp");
  else if (keyword == "Raw profile type exif" || keyword == "Raw profile type APP1")
    out.kinds.insert("exif");
  else if (keyword == "Raw profile type iptc" || keyword == "Raw profile type 8bim")
    out.kinds.insert("iptc");
  else if (keyword == "Raw profile type icc" || keyword == "Raw profile type icm")
    out.kinds.insert("icc");
  else
    out.kinds.insert("text");
}

inline void png(std::string_view s, ContainerMetadata& out) {
  std::size_t at = 8;
  while (at + 12 <= s.size()) {
    const std::size_t length = be32(s, at);
    const std::string_view type = s.substr(at + 4, 4);
    need(at + 12 + length <= s.size(), "png chunk length");
    const std::string_view body = s.substr(at + 8, length);
    if (type == "eXIf") {
      out.kinds.insert("exif");
      out.exif = std::string(body);
    } else if (type == "iCCP") {
      out.kinds.insert("icc");
    } else if (type == "tEXt" || type == "zTXt" || type == "iTXt") {
      png_text(body.substr(0, body.find('\0')), out);
    }
    if (type == "IEND") return;
    at += 12 + length;
  }
}

inline void riff(std::string_view s, ContainerMetadata& out) {
  std::size_t at = 12;
  while (at + 8 <= s.size()) {
    const std::string_view type = s.substr(at, 4);
    const std::size_t length = le32(s, at + 4);
    need(at + 8 + length <= s.size(), "riff chunk length");
    const std::string_view body = s.substr(at + 8, length);
    if (type == "EXIF") {
      out.kinds.insert("exif");
      out.exif = std::string(starts(body, std::string_view("Exif\0\0", 6)) ? body.substr(6) : body);
    } else if (type == "XMP ") {
      out.kinds.insert("xmp");
    } else if (type == "ICCP") {
      out.kinds.insert("icc");
    } else if (type == "VP8X") {
      // The flags announce the chunks; a flag without its chunk is still a claim of metadata.
      const unsigned flags = static_cast<unsigned char>(body[0]);
      if (flags & 0x20) out.kinds.insert("icc");
      if (flags & 0x08) out.kinds.insert("exif");
      if (flags & 0x04) out.kinds.insert("xmp");
    }
    at += 8 + length + (length & 1);
  }
}

// ISOBMFF: walks `s` as a sequence of boxes, descending into the ones that hold metadata.
inline void boxes(std::string_view s, ContainerMetadata& out) {
  std::size_t at = 0;
  while (at + 8 <= s.size()) {
    std::uint64_t size = be32(s, at);
    const std::string_view type = s.substr(at + 4, 4);
    std::size_t header = 8;
    if (size == 1) {
      need(at + 16 <= s.size(), "box size");
      size = static_cast<std::uint64_t>(be32(s, at + 8)) << 32 | be32(s, at + 12);
      header = 16;
    } else if (size == 0) {
      size = s.size() - at;
    }
    need(size >= header && at + size <= s.size(), "box size");
    const std::string_view body = s.substr(at + header, size - header);
    if (type == "meta") {
      boxes(body.substr(4), out);  // a full box: version and flags first
    } else if (type == "iprp" || type == "ipco") {
      boxes(body, out);
    } else if (type == "iinf") {
      const std::size_t count_bytes = body[0] == 0 ? 2 : 4;
      boxes(body.substr(4 + count_bytes), out);
    } else if (type == "infe") {
      const unsigned version = static_cast<unsigned char>(body[0]);
      if (version >= 2) {
        const std::size_t type_at = 4 + (version == 3 ? 4 : 2) + 2;
        const std::string_view item_type = body.substr(type_at, 4);
        if (item_type == "Exif") out.kinds.insert("exif");
        if (item_type == "mime") {
          const std::string_view rest = body.substr(type_at + 4);
          const std::string_view name = rest.substr(0, rest.find('\0'));
          const std::string_view mime = rest.substr(name.size() + 1, rest.substr(name.size() + 1).find('\0'));
          out.kinds.insert(mime == "application/rdf+xml" ? "xmp" : "application");
        }
      }
    } else if (type == "colr") {
      const std::string_view colour_type = body.substr(0, 4);
      if (colour_type == "prof" || colour_type == "rICC") out.kinds.insert("icc");
    } else if (type == "Exif") {  // JPEG XL container boxes
      out.kinds.insert("exif");
    } else if (type == "xml ") {
      out.kinds.insert("xmp");
    } else if (type == "jumb" || type == "brob") {
      out.kinds.insert("application");
    }
    at += size;
  }
}

inline void gif(std::string_view s, ContainerMetadata& out) {
  std::size_t at = 13;
  need(s.size() >= 13, "gif header");
  const unsigned screen = static_cast<unsigned char>(s[10]);
  if (screen & 0x80) at += 3u << ((screen & 7) + 1);
  auto skip_sub_blocks = [&](std::size_t from) {
    while (from < s.size() && s[from] != 0) from += 1 + static_cast<unsigned char>(s[from]);
    need(from < s.size(), "gif sub-blocks");
    return from + 1;
  };
  while (at < s.size()) {
    const unsigned block = static_cast<unsigned char>(s[at]);
    if (block == 0x3B) return;
    if (block == 0x21) {
      const unsigned label = static_cast<unsigned char>(s[at + 1]);
      if (label == 0xFF) {
        const std::string_view id = s.substr(at + 3, 11);
        if (id == "XMP DataXMP")
          out.kinds.insert("xmp");
        else if (id == "ICCRGBG1012")
          out.kinds.insert("icc");
        else if (id != "NETSCAPE2.0" && id != "ANIMEXTS1.0")
          out.kinds.insert("application");
      } else if (label == 0xFE) {
        out.kinds.insert("comment");
      }
      at = skip_sub_blocks(at + 2);
    } else if (block == 0x2C) {
      need(at + 10 <= s.size(), "gif image descriptor");
      const unsigned flags = static_cast<unsigned char>(s[at + 9]);
      at += 10;
      if (flags & 0x80) at += 3u << ((flags & 7) + 1);
      at = skip_sub_blocks(at + 1);  // LZW minimum code size, then the data
    } else {
      throw std::runtime_error("malformed container: gif block");
    }
  }
}

// TIFF tag ids of an EXIF payload's IFD0, its Exif IFD and its GPS IFD.
inline std::set<unsigned> exif_tags(std::string_view tiff) {
  std::set<unsigned> tags;
  if (tiff.size() < 8) return tags;
  const bool little = tiff[0] == 'I';
  auto u16 = [&](std::size_t at) {
    return little ? (static_cast<unsigned char>(tiff[at]) | static_cast<unsigned char>(tiff[at + 1]) << 8)
                  : be16(tiff, at);
  };
  auto u32 = [&](std::size_t at) { return little ? le32(tiff, at) : be32(tiff, at); };
  std::set<std::size_t> seen;
  auto walk = [&](auto& self, std::size_t ifd) -> void {
    if (ifd == 0 || ifd + 2 > tiff.size() || !seen.insert(ifd).second) return;
    const unsigned count = u16(ifd);
    for (unsigned i = 0; i < count && ifd + 2 + 12 * (i + 1) <= tiff.size(); ++i) {
      const std::size_t entry = ifd + 2 + 12 * i;
      const unsigned tag = u16(entry);
      tags.insert(tag);
      if (tag == 0x8769 || tag == 0x8825) self(self, u32(entry + 8));
    }
  };
  walk(walk, u32(4));
  return tags;
}

}  // namespace container_detail

// Throws std::runtime_error on a file it cannot walk or does not know.
inline ContainerMetadata container_metadata(std::string_view s) {
  using namespace container_detail;
  ContainerMetadata out;
  if (starts(s, "\xFF\xD8"))
    jpeg(s, out);
  else if (starts(s, "\x89PNG\r\n\x1A\n"))
    png(s, out);
  else if (starts(s, "RIFF") && s.substr(8, 4) == "WEBP")
    riff(s, out);
  else if (s.size() > 8 && s.substr(4, 4) == "ftyp")
    boxes(s, out);
  else if (starts(s, std::string_view("\0\0\0\x0CJXL \r\n\x87\n", 12)))
    boxes(s, out);
  else if (starts(s, "\xFF\x0A")) {
  }  // a bare JPEG XL codestream: no boxes, so no EXIF or XMP (an ICC profile would be in the codestream)
  else if (starts(s, "GIF8"))
    gif(s, out);
  else
    throw std::runtime_error("unknown container");
  return out;
}

}  // namespace prerender::test
