#include <doctest/doctest.h>
#include <zlib.h>

#include "popularity/line_source.hpp"
#include "test_support.hpp"

using namespace prerender;
using popularity::Line;

namespace {

struct Seen {
  std::vector<std::string> texts;
  std::vector<std::uint64_t> numbers;
  std::vector<bool> too_long;
};

Seen read_all(const std::filesystem::path& path) {
  Seen seen;
  popularity::for_each_line(path.string(), [&](const Line& line) {
    seen.texts.emplace_back(line.text);
    seen.numbers.push_back(line.number);
    seen.too_long.push_back(line.too_long);
  });
  return seen;
}

void write_gzip_member(const std::filesystem::path& path, const std::string& text, const char* mode) {
  gzFile file = gzopen(path.c_str(), mode);
  REQUIRE(file);
  REQUIRE(gzwrite(file, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size()));
  REQUIRE(gzclose(file) == Z_OK);
}

}  // namespace

TEST_CASE("lines come whole across read chunks, without CR, the last one without a newline too") {
  test::TempDir dir;
  std::string text;
  std::vector<std::string> want;
  for (int i = 0; text.size() < 3 * (1u << 20); ++i) {  // past three 1 MiB chunks
    want.push_back("line " + std::to_string(i) + std::string(static_cast<std::size_t>(i % 300), 'x'));
    text += want.back() + (i % 2 ? "\r\n" : "\n");
  }
  want.push_back("last");
  text += "last";
  test::write_file(dir.path() / "log", text);
  const Seen seen = read_all(dir.path() / "log");
  CHECK(seen.texts == want);
  CHECK(seen.numbers.back() == want.size());
}

TEST_CASE("a line longer than the limit is handed over once, cut and flagged, and the next line is whole") {
  test::TempDir dir;
  const std::string huge(popularity::k_max_line_bytes * 3, 'y');
  test::write_file(dir.path() / "log", "first\n" + huge + "\nafter\n");
  const Seen seen = read_all(dir.path() / "log");
  REQUIRE(seen.texts.size() == 3);
  CHECK(seen.texts[0] == "first");
  CHECK(seen.too_long == std::vector<bool>{false, true, false});
  CHECK(seen.texts[1].size() == popularity::k_max_line_bytes);
  CHECK(seen.texts[2] == "after");
  CHECK(seen.numbers == std::vector<std::uint64_t>{1, 2, 3});
}

TEST_CASE("gzip with several members (logrotate, CloudFront) reads as one stream, told from the bytes") {
  test::TempDir dir;
  const auto path = dir.path() / "access.log";  // no .gz: the bytes decide
  write_gzip_member(path, "a\nb\n", "wb");
  write_gzip_member(path, "c\nd", "ab");
  CHECK(read_all(path).texts == std::vector<std::string>{"a", "b", "c", "d"});
}

TEST_CASE("a truncated gzip log is an error naming the file, after the lines before it") {
  test::TempDir dir;
  const auto path = dir.path() / "access.log.gz";
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "request " + std::to_string(i * 7919 % 10007) + "\n";
  write_gzip_member(path, text, "wb");
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  std::size_t lines = 0;
  std::string message;
  try {
    popularity::for_each_line(path.string(), [&](const Line&) { ++lines; });
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  CHECK(message.starts_with(path.string() + ": unexpected end of file after line "));
  CHECK(lines > 0);
}
