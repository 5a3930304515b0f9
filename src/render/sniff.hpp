#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace prerender::render {

// A source's format family, told from its first bytes, never from its name and never by asking libvips:
// some loaders hang or crash while merely sniffing a hostile file (a truncated .svgz spins forever).
// "heif" covers AVIF and HEIC; "unknown" is anything else.
std::string sniff_format(std::string_view head);
std::string sniff_file(const std::filesystem::path& path);

// The output format a file holds, named as in presets ("jpeg", "png", "webp", "gif", "avif", "heic",
// "jxl"; AVIF and HEIC told apart by the brand), else its family ("tiff", "unknown", ...).
std::string sniff_output_format(std::string_view head);
std::string sniff_output_format_of(const std::filesystem::path& path);

// The first `bytes` bytes of a file (fewer when it is shorter; none when it cannot be read).
std::string read_head(const std::filesystem::path& path, std::size_t bytes = 512);

// What a file of family "unknown" holds, for its refusal, told from its first bytes: "corrupt JPEG: ...",
// "not an image: the file starts like HTML ...", "not an image: the file holds text ...", or, for
// anything else, its first bytes in hex.
std::string describe_unknown(std::string_view head);

// How people write a format's name: "JPEG", "PNG", "WebP", "AVIF", "HEIC", "JPEG XL", ...; takes what
// sniff_output_format returns.
std::string format_title(std::string_view format);

// The families decoded in-process by default; any other one must be listed in limits.formats and is
// decoded in a child process (its codec may hang or abort: svg, jp2k, pdf, jxl, unknown).
bool is_core_format(std::string_view family);

}  // namespace prerender::render
