#include "cli/context.hpp"

namespace prerender::cli {

void add_purge(CLI::App&, Context&) {}

}  // namespace prerender::cli
