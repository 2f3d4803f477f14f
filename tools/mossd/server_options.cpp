// Parsing mossd's flags.
#include "tools/mossd/server_options.hpp"

#include <charconv>
#include <fstream>
#include <string_view>
#include <vector>

namespace moss::server {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Reads "name = value" lines ('#' starts a comment) as "--name value" flags.
result<std::vector<std::string>> config_flags(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return status{errc::invalid_argument, "cannot read config file " + path};
  std::vector<std::string> flags;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    std::string_view l = trim(std::string_view{line}.substr(0, line.find('#')));
    if (l.empty())
      continue;
    auto eq = l.find('=');
    if (eq == std::string_view::npos)
      return status{errc::invalid_argument, path + ":" + std::to_string(n) + ": expected name = value"};
    flags.push_back("--" + std::string{trim(l.substr(0, eq))});
    flags.emplace_back(trim(l.substr(eq + 1)));
  }
  return flags;
}

} // namespace

result<server_options> parse_server_options(std::span<const char* const> cli) {
  server_options out;
  out.store.dir = "./moss-data";
  // The config file's settings come first, so flags override them.
  std::vector<std::string> owned;
  for (size_t i = 0; i + 1 < cli.size(); ++i)
    if (std::string_view{cli[i]} == "--config") {
      auto flags = config_flags(cli[i + 1]);
      if (!flags)
        return flags.error();
      owned = std::move(*flags);
    }
  std::vector<const char*> all;
  for (auto& f : owned)
    all.push_back(f.c_str());
  for (size_t i = 0; i < cli.size(); ++i) {
    if (std::string_view{cli[i]} == "--config" && i + 1 < cli.size()) {
      ++i;
      continue;
    }
    all.push_back(cli[i]);
  }
  std::span<const char* const> args{all};
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view flag = args[i];
    if (flag == "--insecure-plaintext") {
      // Bare on the command line; a config file's line comes with a value.
      std::string_view next = i + 1 < args.size() ? std::string_view{args[i + 1]} : std::string_view{};
      out.insecure_plaintext = !(next == "no" || next == "false");
      if (next == "yes" || next == "true" || next == "no" || next == "false")
        ++i;
      continue;
    }
    if (i + 1 == args.size())
      return status{errc::invalid_argument, std::string{flag} + " needs a value"};
    std::string_view value = args[++i];
    if (flag == "--dir") {
      out.store.dir = value;
    } else if (flag == "--host") {
      out.host = value;
    } else if (flag == "--port") {
      unsigned port = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
      if (ec != std::errc{} || end != value.data() + value.size() || port > 65535)
        return status{errc::invalid_argument, "bad port " + std::string{value}};
      out.port = static_cast<uint16_t>(port);
    } else if (flag == "--stats-interval") {
      unsigned secs = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), secs);
      if (ec != std::errc{} || end != value.data() + value.size() || secs > 86'400)
        return status{errc::invalid_argument, "--stats-interval takes seconds, 0 to 86400"};
      out.stats_interval_s = secs;
    } else if (flag == "--history-bytes") {
      uint64_t bytes = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), bytes);
      if (ec != std::errc{} || end != value.data() + value.size() || bytes == 0 || bytes > (uint64_t{1} << 40))
        return status{errc::invalid_argument, "--history-bytes takes a byte count, 1 to 2^40"};
      out.store.watch_history_bytes = static_cast<size_t>(bytes);
    } else if (flag == "--fsync") {
      auto policy = parse_fsync_policy(value);
      if (!policy)
        return status{errc::invalid_argument, "--fsync takes always, every_second or never"};
      out.store.fsync = *policy;
    } else if (flag == "--tls-cert") {
      out.tls_cert = value;
    } else if (flag == "--tls-key") {
      out.tls_key = value;
    } else if (flag == "--tls-ca") {
      out.tls_ca = value;
    } else if (flag == "--engine") {
      auto kind = parse_engine_kind(value);
      if (!kind)
        return status{errc::invalid_argument, "--engine takes hash or radix"};
      out.store.engine = *kind;
    } else if (flag == "--replica-of") {
      const size_t colon = value.rfind(':');
      unsigned port = 0;
      const char* digits = colon == std::string_view::npos ? nullptr : value.data() + colon + 1;
      auto [end, ec] = digits ? std::from_chars(digits, value.data() + value.size(), port)
                              : std::from_chars_result{value.data(), std::errc::invalid_argument};
      if (colon == 0 || ec != std::errc{} || end != value.data() + value.size() || port == 0 || port > 65535)
        return status{errc::invalid_argument, "--replica-of takes HOST:PORT, not " + std::string{value}};
      out.replica_host = std::string{value.substr(0, colon)};
      out.replica_port = static_cast<uint16_t>(port);
      out.store.replica_of = std::string{value};
    } else {
      return status{errc::invalid_argument, "unknown option " + std::string{flag}};
    }
  }
  if (out.tls() && (out.tls_key.empty() || out.tls_ca.empty()))
    return status{errc::invalid_argument, "--tls-cert needs --tls-key and --tls-ca"};
  if (!out.tls() && (!out.tls_key.empty() || !out.tls_ca.empty()))
    return status{errc::invalid_argument, "--tls-key and --tls-ca need --tls-cert"};
  if (!out.tls() && !out.insecure_plaintext && !is_loopback(out.host))
    return status{errc::invalid_argument,
                  "refusing to publish on " + out.host + " over plain TCP: anyone who can connect "
                  "can read and write the store, and CAF allocates whatever size a peer's first "
                  "header claims (up to 4 GiB) before any handshake; use --tls-cert/--tls-key/"
                  "--tls-ca, or --insecure-plaintext on a network you trust"};
  return out;
}

bool is_loopback(std::string_view host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

std::string server_usage() {
  return "usage: mossd [--config FILE] [--dir DIR] [--host HOST] [--port PORT] [--fsync POLICY]\n"
         "             [--engine KIND] [--tls-cert PEM --tls-key PEM --tls-ca PEM]\n"
         "             [--insecure-plaintext] [--stats-interval SECONDS]\n"
         "             [--history-bytes BYTES] [--replica-of HOST:PORT]\n"
         "       mossd --help | --version\n"
         "\n"
         "Opens the store in DIR (default ./moss-data) and publishes it to CAF nodes\n"
         "on HOST:PORT (default 127.0.0.1:7821; port 0 picks a free one). Prints\n"
         "'listening HOST:PORT' when ready. SIGINT or SIGTERM stop it cleanly: every\n"
         "accepted commit is finished and the log flushed and fsynced.\n"
         "POLICY: always, every_second (default), never. KIND: radix (default), hash.\n"
         "With --tls-cert, the store is published through TLS only (CAF's openssl\n"
         "module) and only peers with a certificate from the CA get in. Without TLS,\n"
         "HOST must be a loopback address unless --insecure-plaintext is given.\n"
         "It logs to stderr: one line per peer session opened or closed, what the\n"
         "store reports (a torn log tail cut at open), and with --stats-interval a\n"
         "line of store statistics every SECONDS (default 0: none).\n"
         "With --replica-of, the store is a read replica of the mossd at HOST:PORT: it\n"
         "follows that primary's commit stream (from its history or its log, else a\n"
         "full sync from a snapshot), serves gets, scans and watches,\n"
         "and refuses writes, transactions that write and compact (read_only). The\n"
         "TLS options apply to the connection to the primary as well.\n"
         "BYTES (default 64 MiB) bounds the changes kept in memory for watches that\n"
         "resume and replicas that catch up; a replica further behind catches up from\n"
         "the log, or with a full sync if a compaction took its place.\n"
         "FILE holds 'name = value' lines with the same names (dir, host, port, fsync,\n"
         "engine, tls-cert, tls-key, tls-ca, insecure-plaintext, stats-interval,\n"
         "history-bytes, replica-of); '#' starts a comment; flags override it.\n";
}

} // namespace moss::server
