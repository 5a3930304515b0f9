#pragma once

#include <functional>
#include <optional>
#include <string>

#include "output/root.hpp"

namespace prerender::output {

// The lock file of a journal: ".prerender.lock" for renditions.jsonl, ".prerender-K-of-N.lock" for a
// shard's (shards write their own journals into one root side by side).
std::string lock_name(const std::string& journal_name);

// An exclusive flock(2) on a lock file in the output root, held while the object lives: one writer of a
// journal at a time. The file is opened with O_NOFOLLOW and holds the holder's pid.
class RootLock {
 public:
  // Takes the lock. When another process holds it: with `wait_seconds` unset, throws util::RetryableError at
  // once naming the holder's pid; otherwise polls for up to that long (infinity: as long as it takes) and
  // throws util::RetryableError when the time is up. Returns nullopt when `stop` says so while waiting (a
  // signal). Throws std::runtime_error when the lock file cannot be opened (a link, not a regular file).
  static std::optional<RootLock> take(const OutputRoot& root, const std::string& name,
                                      std::optional<double> wait_seconds, const std::function<bool()>& stop);

 private:
  explicit RootLock(UniqueFd fd) : m_fd(std::move(fd)) {}
  UniqueFd m_fd;  // the lock goes with the descriptor
};

}  // namespace prerender::output
