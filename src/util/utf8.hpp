#pragma once

#include <string>
#include <string_view>

namespace prerender::util {

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF):
// what JSON, and so renditions.jsonl, can hold.
bool is_valid_utf8(std::string_view text);

// `text` for a message: well-formed UTF-8 sequences as they are, every other byte as \xNN ("caf\xe9.jpg").
std::string escape_invalid_utf8(std::string_view text);

}  // namespace prerender::util
