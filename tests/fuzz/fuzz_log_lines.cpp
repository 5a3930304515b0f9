// libFuzzer target: arbitrary bytes as access-log lines, through each format's parser and the URL-to-path
// reading. Any line must end in a record, a skip or a reason: never a crash or a read past the line.
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/plan.hpp"
#include "popularity/log_record.hpp"
#include "popularity/url_map.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace prerender::popularity;
  static const prerender::engine::Plan plan;
  static const UrlMap map(plan, "https://img.example.com/v1/", {});
  const std::string text(reinterpret_cast<const char*>(data), size);  // exactly the input: ASan sees overreads
  for (LogFormat format : {LogFormat::combined, LogFormat::cloudfront, LogFormat::json}) {
    LineParser parser(format, {});
    std::string_view rest = text;
    std::string scratch;
    while (!rest.empty()) {
      const std::size_t newline = rest.find('\n');
      const std::string line(rest.substr(0, newline));
      rest = newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
      LogRecord record;
      if (parser.parse(line, record) == LineParser::Result::record) (void)map.relative_path(record.url, scratch);
    }
  }
  return 0;
}
