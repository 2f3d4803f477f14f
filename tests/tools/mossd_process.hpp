// A mossd node in a child process for two-process tests: started on a
// directory with a free (or given) port, which it prints, and stopped by signal.
#pragma once

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace moss::test {

struct mossd_process {
  pid_t pid = -1;
  uint16_t port = 0;

  mossd_process() = default;
  mossd_process(const mossd_process&) = delete;
  mossd_process& operator=(const mossd_process&) = delete;
  mossd_process(mossd_process&& o) noexcept : pid(std::exchange(o.pid, -1)), port(o.port) {}
  mossd_process& operator=(mossd_process&& o) noexcept {
    if (this != &o) {
      kill_now();
      pid = std::exchange(o.pid, -1);
      port = o.port;
    }
    return *this;
  }
  ~mossd_process() { kill_now(); }

  /// Starts MOSSD_PATH on `dir` (fsync always) with `port` (0: a free one)
  /// and `extra` flags; port stays 0 if it did not come up.
  static mossd_process start(const std::string& dir, uint16_t port = 0,
                             std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"mossd", "--dir", dir, "--port", std::to_string(port), "--fsync", "always"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    mossd_process p;
    int fds[2];
    if (::pipe(fds) != 0)
      return p;
    p.pid = ::fork();
    if (p.pid == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      ::execv(MOSSD_PATH, argv.data());
      _exit(127);
    }
    ::close(fds[1]);
    FILE* out = ::fdopen(fds[0], "r");
    char line[128] = {0};
    unsigned printed = 0;
    if (std::fgets(line, sizeof line, out) == nullptr
        || std::sscanf(line, "listening 127.0.0.1:%u", &printed) != 1)
      printed = 0;
    std::fclose(out);
    p.port = static_cast<uint16_t>(printed);
    return p;
  }

  /// Sends `sig` and reaps the process; returns its wait status.
  int stop(int sig) {
    if (pid <= 0)
      return 0;
    ::kill(pid, sig);
    int wstatus = 0;
    ::waitpid(pid, &wstatus, 0);
    pid = -1;
    return wstatus;
  }

  void kill_now() { (void) stop(SIGKILL); }

  /// Sends SIGSTOP and returns once the process is stopped: kill() returns
  /// before it is, and a node still running for a moment answers.
  bool pause() {
    if (pid <= 0 || ::kill(pid, SIGSTOP) != 0)
      return false;
    const std::string stat = "/proc/" + std::to_string(pid) + "/stat";
    for (int i = 0; i < 2000; ++i) {
      if (FILE* f = std::fopen(stat.c_str(), "r")) {
        char buf[512] = {0};
        const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
        std::fclose(f);
        const char* close_paren = std::strrchr(buf, ')');
        if (n > 0 && close_paren != nullptr && close_paren[1] == ' ' && (close_paren[2] == 'T' || close_paren[2] == 't'))
          return true;
      }
      ::usleep(1000);
    }
    return false;
  }
};

/// Writes a throwaway self-signed certificate (its own CA) with the openssl CLI.
inline bool make_test_certificate(const std::string& key, const std::string& cert) {
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + key + " -out " + cert
                    + " -days 2 -subj /CN=localhost 2>/dev/null";
  return std::system(cmd.c_str()) == 0;
}

} // namespace moss::test
