#include "util/time.hpp"

#include <ctime>
#include <fmt/chrono.h>
#include <fmt/format.h>

namespace prerender::util {

std::string utc_now() { return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr))); }

}  // namespace prerender::util
