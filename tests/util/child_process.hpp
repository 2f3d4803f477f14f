// Runs a piece of a test in a forked child process, so a test can kill it at
// the worst moment (SIGKILL) or survive it hanging (a timeout kills it).
#pragma once

#include <chrono>
#include <csignal>
#include <functional>
#include <optional>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace moss::test {

/// A child process running `body`; its exit code is body's return value.
class child_process {
public:
  explicit child_process(const std::function<int()>& body) {
    pid_ = ::fork();
    if (pid_ == 0) {
      int code = body();
      ::_exit(code);
    }
  }
  ~child_process() { kill(); }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  bool started() const noexcept { return pid_ > 0; }

  /// Waits up to `timeout` for the child to exit; its exit code, or nullopt
  /// if it is still running (then it is killed) or died by a signal.
  std::optional<int> wait_for(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pid_ > 0) {
      int wstatus = 0;
      pid_t r = ::waitpid(pid_, &wstatus, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        if (WIFEXITED(wstatus))
          return WEXITSTATUS(wstatus);
        return std::nullopt;
      }
      if (std::chrono::steady_clock::now() >= deadline)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    kill();
    return std::nullopt;
  }

  /// SIGKILLs the child (if running) and reaps it.
  void kill() {
    if (pid_ <= 0)
      return;
    ::kill(pid_, SIGKILL);
    int wstatus = 0;
    ::waitpid(pid_, &wstatus, 0);
    pid_ = -1;
  }

private:
  pid_t pid_ = -1;
};

} // namespace moss::test
