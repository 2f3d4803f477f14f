// A mossd node in a child process for two-process tests: started on a
// directory with a free (or given) port, which it prints, and stopped by signal.
#pragma once

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <moss/connect_options.hpp>

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
  bool pause();
};

/// The fields of /proc/PID/stat after the command name, from the state on
/// ("S 1 ..."); empty if the process is gone.
inline std::string proc_stat_fields(pid_t pid) {
  FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr)
    return {};
  char buf[1024] = {0};
  const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  const char* close_paren = std::strrchr(buf, ')');
  if (n == 0 || close_paren == nullptr || close_paren[1] != ' ')
    return {};
  return close_paren + 2;
}

inline bool mossd_process::pause() {
  if (pid <= 0 || ::kill(pid, SIGSTOP) != 0)
    return false;
  for (int i = 0; i < 2000; ++i) {
    const std::string fields = proc_stat_fields(pid);
    if (!fields.empty() && (fields[0] == 'T' || fields[0] == 't'))
      return true;
    ::usleep(1000);
  }
  return false;
}

/// Writes a throwaway self-signed certificate (its own CA) with the openssl CLI.
inline bool make_test_certificate(const std::string& key, const std::string& cert) {
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + key + " -out " + cert
                    + " -days 2 -subj /CN=localhost 2>/dev/null";
  return std::system(cmd.c_str()) == 0;
}

/// A certificate (its own CA) written into `dir`, and what each side passes
/// to use it: mossd's --tls-* flags and a client's connect_options.
struct test_tls {
  std::vector<std::string> node_flags;
  connect_options client;
};
inline std::optional<test_tls> make_test_tls(const std::string& dir, connect_options client) {
  const std::string key = dir + "/key.pem", cert = dir + "/cert.pem";
  if (!make_test_certificate(key, cert))
    return std::nullopt;
  client.tls_cert = cert;
  client.tls_key = key;
  client.tls_ca = cert;
  return test_tls{{"--tls-cert", cert, "--tls-key", key, "--tls-ca", cert}, std::move(client)};
}

} // namespace moss::test
