#include "util/subprocess.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace prerender::util {
namespace {

constexpr std::size_t k_last_words = 4096;

void keep_last_words(std::string& last_words, const char* data, std::size_t size) {
  last_words.append(data, size);
  if (last_words.size() > 2 * k_last_words) last_words.erase(0, last_words.size() - k_last_words);
}

// Reads both pipes until stdout closes (the child finished or died) or the deadline passes.
void read_until_done(int out, int err, bool& err_open, std::chrono::steady_clock::time_point deadline, Captured& c) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      c.timed_out = true;
      return;
    }
    pollfd fds[2]{{out, POLLIN, 0}, {err_open ? err : -1, POLLIN, 0}};
    const int ready = ::poll(fds, 2, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready <= 0) continue;  // EINTR or no data yet
    char buffer[4096];
    if (fds[1].revents != 0) {
      const ssize_t n = ::read(err, buffer, sizeof(buffer));
      if (n <= 0)
        err_open = false;
      else
        keep_last_words(c.last_words, buffer, static_cast<std::size_t>(n));
    }
    if (fds[0].revents != 0) {
      const ssize_t n = ::read(out, buffer, sizeof(buffer));
      if (n <= 0) return;
      c.out.append(buffer, static_cast<std::size_t>(n));
    }
  }
}

}  // namespace

Captured run_captured(const std::vector<std::string>& args, double max_seconds) {
  int out[2], err[2];
  // Close-on-exec: a child another thread spawns meanwhile must not inherit this pipe's write end, or
  // this child's death would not end the read below until that other child exits (a crash reported as
  // a timeout when a slow child ran beside it).
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error(std::strerror(errno));
  if (::pipe2(err, O_CLOEXEC) != 0) {
    const int error = errno;
    ::close(out[0]);
    ::close(out[1]);
    throw std::runtime_error(std::strerror(error));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, err[0]);
  std::vector<std::string> storage = args;
  std::vector<char*> argv;
  for (std::string& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ::close(err[1]);
  if (spawned != 0) {
    ::close(out[0]);
    ::close(err[0]);
    throw std::runtime_error(std::strerror(spawned));
  }
  Captured c;
  bool err_open = true;
  const auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(max_seconds));
  read_until_done(out[0], err[0], err_open, deadline, c);
  ::close(out[0]);
  if (c.timed_out) ::kill(pid, SIGKILL);
  while (::waitpid(pid, &c.status, 0) < 0 && errno == EINTR) {
  }
  // The child is gone: what it wrote last to stderr is all there (its write end closed with it).
  for (char buffer[4096]; err_open;) {
    const ssize_t n = ::read(err[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    keep_last_words(c.last_words, buffer, static_cast<std::size_t>(n));
  }
  ::close(err[0]);
  return c;
}

}  // namespace prerender::util
