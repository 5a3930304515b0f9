#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace prerender::util {

// The candidate nearest to `word` by edit distance, when it is near enough to be a likely misspelling
// (at most a third of the word's length, at least 1 edit, at most 3). Returns nothing otherwise.
std::optional<std::string> nearest(std::string_view word, std::span<const std::string_view> candidates);

// " (did you mean 'x'?)" for the nearest candidate, or "" when none is near.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

// "'a', 'b' or 'c'": for messages that list what is allowed.
std::string one_of(std::span<const std::string_view> candidates);

}  // namespace prerender::util
