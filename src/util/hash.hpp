#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace prerender::util {

// 128-bit XXH3 of the bytes, as 32 lowercase hex digits. Used for etags, source and recipe hashes:
// fast, stable across platforms and releases of xxhash.
std::string content_hash(std::string_view bytes);

// The same hash over a file's contents, streamed. Throws std::runtime_error when it cannot be read.
std::string file_hash(const std::filesystem::path& path);

// 64-bit XXH3 of a string: stable, for sharding.
std::uint64_t stable_hash64(std::string_view text);

}  // namespace prerender::util
