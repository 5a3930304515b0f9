#include "cli/cli.hpp"

int main(int argc, char** argv) { return prerender::cli::run(argc, argv); }
