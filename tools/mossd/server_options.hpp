// mossd's command line: where the store lives and where it is published.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <moss/options.hpp>
#include <moss/result.hpp>

namespace moss::server {

struct server_options {
  moss::options store;               ///< dir defaults to ./moss-data
  std::string host = "127.0.0.1";    ///< never a public address unless told
  uint16_t port = 7821;              ///< 0: any free port (printed at start)
  std::string tls_cert;              ///< set: publish over TLS only (with key and CA)
  std::string tls_key;
  std::string tls_ca;
  bool insecure_plaintext = false;   ///< allow plain TCP on a non-loopback host
  uint32_t stats_interval_s = 0;     ///< print a stats line this often (0: never)
  std::string replica_host;          ///< set: a read replica of replica_host:replica_port
  uint16_t replica_port = 0;
  bool tls() const noexcept { return !tls_cert.empty(); }
};

/// Parses the arguments after the program name; errors are invalid_argument.
result<server_options> parse_server_options(std::span<const char* const> args);

/// 127.x.x.x, ::1 or localhost.
bool is_loopback(std::string_view host);

/// What `mossd --help` prints.
std::string server_usage();

} // namespace moss::server
