#include "cli/context.hpp"

namespace prerender::cli {

void add_warm(CLI::App&, Context&) {}

}  // namespace prerender::cli
