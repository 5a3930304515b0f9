#pragma once

namespace prerender::cli {

// The whole command line: parses, dispatches to a command, and maps every outcome to an exit code
// (cli/exit_code.hpp). Never throws.
int run(int argc, char** argv);

}  // namespace prerender::cli
