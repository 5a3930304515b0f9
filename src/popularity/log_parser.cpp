#include <charconv>
#include <cstring>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "popularity/log_record.hpp"

namespace prerender::popularity {
namespace {

// CloudFront standard logs (version 1.0) without a #Fields line: the documented column order.
constexpr int k_cf_date = 0, k_cf_time = 1, k_cf_bytes = 3, k_cf_stem = 7, k_cf_status = 8, k_cf_result = 13;

template <typename Number>
bool parse_number(std::string_view text, Number& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

// A field by name; "a.b" reaches into nested objects.
const nlohmann::json* field(const nlohmann::json& object, std::string_view name) {
  const nlohmann::json* at = &object;
  while (!name.empty()) {
    const std::size_t dot = name.find('.');
    const std::string key(name.substr(0, dot));
    if (!at->is_object()) return nullptr;
    const auto it = at->find(key);
    if (it == at->end()) return nullptr;
    at = &*it;
    name = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
  }
  return at;
}

std::optional<std::int64_t> json_time(const nlohmann::json& value) {
  if (value.is_number()) {
    const double t = value.get<double>();
    return static_cast<std::int64_t>(t > 1e11 ? t / 1000 : t);  // milliseconds past the year 5138 in seconds
  }
  if (!value.is_string()) return std::nullopt;
  return parse_iso_time(value.get_ref<const std::string&>());
}

}  // namespace

LineParser::LineParser(LogFormat format, JsonFields fields) : m_format(format), m_fields(std::move(fields)) {
  m_date = k_cf_date, m_time = k_cf_time, m_stem = k_cf_stem, m_status = k_cf_status, m_bytes = k_cf_bytes,
  m_result = k_cf_result;
}

LineParser::Result LineParser::malformed(std::string why) {
  m_why = std::move(why);
  return Result::malformed;
}

LineParser::Result LineParser::parse(std::string_view line, LogRecord& out) {
  switch (m_format) {
    case LogFormat::combined: return parse_combined(line, out);
    case LogFormat::cloudfront: return parse_cloudfront(line, out);
    case LogFormat::json: return parse_json(line, out);
  }
  return Result::skip;
}

LineParser::Result LineParser::parse_cloudfront(std::string_view line, LogRecord& out) {
  if (line.empty()) return Result::skip;
  if (line.front() == '#') {
    if (!line.starts_with("#Fields:")) return Result::skip;
    m_date = m_time = m_stem = m_status = m_bytes = m_result = -1;
    int column = 0;
    std::string_view names = line.substr(8);
    while (!names.empty()) {
      const std::size_t start = names.find_first_not_of(' ');
      if (start == std::string_view::npos) break;
      names.remove_prefix(start);
      const std::string_view name = names.substr(0, names.find(' '));
      names.remove_prefix(name.size());
      if (name == "date")
        m_date = column;
      else if (name == "time")
        m_time = column;
      else if (name == "cs-uri-stem")
        m_stem = column;
      else if (name == "sc-status")
        m_status = column;
      else if (name == "sc-bytes")
        m_bytes = column;
      else if (name == "x-edge-result-type")
        m_result = column;
      ++column;
    }
    if (m_stem < 0) return malformed("the #Fields line has no cs-uri-stem");
    return Result::skip;
  }
  std::string_view date, time, status, bytes, result;
  out.url = {};
  int column = 0;
  for (std::size_t at = 0; at <= line.size(); ++column) {
    const void* tab = std::memchr(line.data() + at, '\t', line.size() - at);
    const std::size_t end = tab ? static_cast<std::size_t>(static_cast<const char*>(tab) - line.data()) : line.size();
    const std::string_view value = line.substr(at, end - at);
    if (column == m_stem)
      out.url = value;
    else if (column == m_date)
      date = value;
    else if (column == m_time)
      time = value;
    else if (column == m_status)
      status = value;
    else if (column == m_bytes)
      bytes = value;
    else if (column == m_result)
      result = value;
    at = end + 1;
  }
  if (m_stem < 0 || column <= m_stem)
    return malformed(fmt::format("{} tab-separated fields; cs-uri-stem is field {}", column, m_stem + 1));
  if (!parse_number(status, out.status)) return malformed("sc-status is not a number");
  out.bytes = 0;
  if (!bytes.empty() && bytes != "-" && !parse_number(bytes, out.bytes)) return malformed("sc-bytes is not a number");
  out.time.reset();
  if (!date.empty()) {
    char joined[20];
    if (date.size() != 10 || time.size() != 8) return malformed("date and time are not yyyy-mm-dd and hh:mm:ss");
    std::memcpy(joined, date.data(), 10);
    joined[10] = 'T';
    std::memcpy(joined + 11, time.data(), 8);
    out.time = parse_iso_time({joined, 19});
    if (!out.time) return malformed("date and time are not yyyy-mm-dd and hh:mm:ss");
  }
  out.cache = cache_state(result);
  return Result::record;
}

LineParser::Result LineParser::parse_json(std::string_view line, LogRecord& out) {
  if (line.find_first_not_of(" \t") == std::string_view::npos) return Result::skip;
  const nlohmann::json object = nlohmann::json::parse(line, nullptr, false);
  if (object.is_discarded() || !object.is_object()) return malformed("not a JSON object");
  const nlohmann::json* url = field(object, m_fields.url);
  if (!url || !url->is_string())
    return malformed(fmt::format("no string field '{}' (the URL; see --json-fields)", m_fields.url));
  m_url = url->get<std::string>();
  out.url = m_url;
  const nlohmann::json* status = field(object, m_fields.status);
  if (status && status->is_number_integer())
    out.status = status->get<int>();
  else if (!status || !status->is_string() ||
           !parse_number(std::string_view(status->get_ref<const std::string&>()), out.status))
    return malformed(fmt::format("no numeric field '{}' (the status; see --json-fields)", m_fields.status));
  out.bytes = 0;
  if (const nlohmann::json* bytes = field(object, m_fields.bytes)) {
    if (bytes->is_number_unsigned() || bytes->is_number_integer())
      out.bytes = bytes->get<std::uint64_t>();
    else if (!bytes->is_string() || !parse_number(std::string_view(bytes->get_ref<const std::string&>()), out.bytes))
      return malformed(fmt::format("field '{}' (bytes) is not a number", m_fields.bytes));
  }
  out.time.reset();
  if (const nlohmann::json* time = field(object, m_fields.time)) {
    out.time = json_time(*time);
    if (!out.time) return malformed(fmt::format("field '{}' is not a time (Unix seconds or ISO 8601)", m_fields.time));
  }
  out.cache = CacheState::unknown;
  if (const nlohmann::json* cache = field(object, m_fields.cache); cache && cache->is_string())
    out.cache = cache_state(cache->get_ref<const std::string&>());
  return Result::record;
}

}  // namespace prerender::popularity
