#pragma once

#include <csignal>
#include <functional>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace prerender::test {

// Runs `body` in a forked child whose files may grow to `file_size_limit` bytes at most (RLIMIT_FSIZE, with
// SIGXFSZ ignored as cli::run does, so that a write past it fails with EFBIG instead of killing the process)
// and returns what it returned. The limit never reaches this process. Throws std::runtime_error when the
// child does not finish normally.
inline std::string in_child_with_file_size_limit(rlim_t file_size_limit, const std::function<std::string()>& body) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t child = ::fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    ::close(fds[0]);
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{file_size_limit, file_size_limit};
    std::string out;
    try {
      if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(2);
      out = body();
    } catch (const std::exception& e) {
      out = std::string("child threw: ") + e.what();
    }
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = ::write(fds[1], out.data() + done, out.size() - done);
      if (n <= 0) ::_exit(1);
      done += static_cast<std::size_t>(n);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) out.append(buffer, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  if (::waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("the child did not finish normally");
  return out;
}

}  // namespace prerender::test
