#pragma once

#include <stdexcept>
#include <string>

namespace prerender::util {

// A set-up failure that ends the command (libvips init, unwritable output root, ...). Caught in
// cli::run, printed as "prerender: <message>", exit 2.
class FatalError : public std::runtime_error {
 public:
  explicit FatalError(const std::string& message) : std::runtime_error(message) {}
};

// A failure of the infrastructure that a later attempt may not meet (the output root locked by another
// run, storage full). Caught in cli::run, printed as "prerender: <message>", exit 75 (EX_TEMPFAIL).
class RetryableError : public std::runtime_error {
 public:
  explicit RetryableError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace prerender::util
