#include <doctest/doctest.h>

#include "util/utf8.hpp"

using prerender::util::escape_invalid_utf8;
using prerender::util::is_valid_utf8;

TEST_CASE("well-formed UTF-8 names are valid, stray and overlong bytes are not") {
  CHECK(is_valid_utf8("posters/caf\xc3\xa9.jpg"));
  CHECK(is_valid_utf8("\xe6\x97\xa5\xe6\x9c\xac/\xf0\x9f\x8e\xac.png"));
  CHECK_FALSE(is_valid_utf8("caf\xe9.jpg"));  // Latin-1 é
  CHECK_FALSE(is_valid_utf8("bad\xff.jpg"));
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));      // a UTF-16 surrogate
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(is_valid_utf8("cut\xe6\x97"));       // truncated sequence
}

TEST_CASE("invalid bytes are shown escaped, valid sequences as they are") {
  CHECK(escape_invalid_utf8("caf\xe9-\xc3\xa9.jpg") == "caf\\xe9-\xc3\xa9.jpg");
  CHECK(escape_invalid_utf8("bad\xff") == "bad\\xff");
  CHECK(escape_invalid_utf8("plain") == "plain");
}
