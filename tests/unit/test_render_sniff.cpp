#include <doctest/doctest.h>
#include <filesystem>

#include <string_view>

#include "render/sniff.hpp"
#include "render/source.hpp"
#include "test_support.hpp"

using prerender::render::sniff_file;
using prerender::test::fixture;

TEST_CASE("formats are told from the bytes, whatever the file is called") {
  CHECK(sniff_file(fixture("images/landscape-1.jpg")) == "jpeg");
  CHECK(sniff_file(fixture("images/p3-8x8.png")) == "png");
  CHECK(sniff_file(fixture("images/anim-loop3.gif")) == "gif");
  CHECK(sniff_file(fixture("images/webp-alpha.webp")) == "webp");
  CHECK(sniff_file(fixture("images/svgz-logo.svgz")) == "svg");
  CHECK(sniff_file(fixture("images/bad/crash-openjpeg.jp2")) == "jp2k");
  CHECK(sniff_file(fixture("images/bad/bomb-17000x17000.avif")) == "heif");
  CHECK(sniff_file(fixture("images/bad/unsupported-ycbcr-subsampled.tif")) == "tiff");
  CHECK(sniff_file(fixture("images/bad/text-not-image.jpg")) == "unknown");  // named .jpg, holds text
  CHECK(sniff_file(fixture("images/bad/empty.jpg")) == "unknown");
}

TEST_CASE("a file that is not an image is told what it holds, not sent to limits.formats") {
  using prerender::render::describe_unknown;
  using namespace std::literals;
  CHECK(describe_unknown("\xFF\xD8\x00\x10JFIF\0"sv) ==
        "corrupt JPEG: the start-of-image marker is followed by 00 10 instead of another marker");
  CHECK(describe_unknown("\xFF\xD8"sv) == "corrupt JPEG: the file ends after its start-of-image marker");
  CHECK(describe_unknown("\x89PNG\n\n\x1A\n"sv) ==
        "corrupt PNG: the signature is damaged (line endings converted in a text-mode transfer?)");
  CHECK(describe_unknown("GIF88a\x01\0"sv) == "corrupt GIF: unknown version 'GIF88a'");
  CHECK(describe_unknown("RIFF\x24\0\0\0WAVEfmt "sv) == "not an image: a RIFF file of type 'WAVE'");
  CHECK(describe_unknown("\0\0\0\x18"
                         "ftypmp42\0\0\0\0"sv) ==
        "not an image prerender reads: an ISO media file of brand 'mp42' (a video?)");
  CHECK(describe_unknown("\xEF\xBB\xBF  <!DOCTYPE html><html lang=\"en\">"sv) ==
        "not an image: the file starts like HTML (\"<!DOCTYPE html><html lang=\"en\">\"), such as an error page saved "
        "in place of "
        "the image");
  CHECK(describe_unknown("{\"error\": \"not found\"}\n"sv) ==
        "not an image: the file starts like JSON (\"{\"error\": \"not found\"}\")");
  CHECK(describe_unknown("PK\x03\x04\x14\0"sv) == "not an image: a ZIP archive");
  CHECK(describe_unknown("BM\x36\x04\0\0\0\0"sv) ==
        "not an image prerender recognises: it starts with the bytes 42 4d 36 04 00 00 00 00 (list 'unknown' in "
        "limits.formats to "
        "let libvips try its other loaders)");
}

TEST_CASE("refusals of real files say what was found") {
  using prerender::render::probe_source;
  using prerender::render::RenderError;
  const prerender::manifest::Limits limits;
  CHECK_THROWS_WITH_AS(
      probe_source(fixture("images/bad/text-not-image.jpg"), limits),
      "not an image: the file holds text (\"This is a plain text file that only pret...\"); named .jpg", RenderError);
  CHECK_THROWS_WITH_AS(probe_source(fixture("images/bad/html-error-page.jpg"), limits),
                       "not an image: the file starts like HTML (\"<html>\"), such as an error page saved in place of "
                       "the image; named .jpg",
                       RenderError);
  // Right magic, broken header: libvips' reason, after what the file is.
  CHECK_THROWS_WITH_AS(probe_source(fixture("images/bad/corrupt-header.jpg"), limits),
                       "corrupt JPEG: cannot read the header: VipsJpeg: Premature end of input file", RenderError);
  CHECK_THROWS_WITH_AS(probe_source(fixture("images/bad/unsupported-lossless.jpg"), limits),
                       "unsupported JPEG: VipsJpeg: Unsupported JPEG process: SOF type 0xc3", RenderError);
  // Text named .svg is text; a real SVG is refused by its format, which limits.formats can allow.
  prerender::test::TempDir dir;
  const std::filesystem::path notes = dir.path() / "logo.svg";
  prerender::test::write_file(notes, "TODO: export the logo from the design file\n");
  CHECK_THROWS_WITH_AS(
      probe_source(notes, limits),
      "not an image: the file holds text (\"TODO: export the logo from the design fi...\"); named .svg", RenderError);
  CHECK_THROWS_WITH_AS(probe_source(fixture("images/svgz-logo.svgz"), limits),
                       "format 'svg' is not allowed; list it in limits.formats to opt in", RenderError);
}
