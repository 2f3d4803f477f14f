// Parsing mossd's flags.
#include "tools/mossd/server_options.hpp"

#include <charconv>
#include <string_view>

namespace moss::server {

result<server_options> parse_server_options(std::span<const char* const> args) {
  server_options out;
  out.store.dir = "./moss-data";
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view flag = args[i];
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
    } else if (flag == "--fsync") {
      if (value == "always")
        out.store.fsync = fsync_policy::always;
      else if (value == "every_second")
        out.store.fsync = fsync_policy::every_second;
      else if (value == "never")
        out.store.fsync = fsync_policy::never;
      else
        return status{errc::invalid_argument, "--fsync takes always, every_second or never"};
    } else if (flag == "--tls-cert") {
      out.tls_cert = value;
    } else if (flag == "--tls-key") {
      out.tls_key = value;
    } else if (flag == "--tls-ca") {
      out.tls_ca = value;
    } else if (flag == "--engine") {
      if (value == "hash")
        out.store.engine = engine_kind::hash;
      else if (value == "radix")
        out.store.engine = engine_kind::radix;
      else
        return status{errc::invalid_argument, "--engine takes hash or radix"};
    } else {
      return status{errc::invalid_argument, "unknown option " + std::string{flag}};
    }
  }
  if (out.tls() && (out.tls_key.empty() || out.tls_ca.empty()))
    return status{errc::invalid_argument, "--tls-cert needs --tls-key and --tls-ca"};
  if (!out.tls() && (!out.tls_key.empty() || !out.tls_ca.empty()))
    return status{errc::invalid_argument, "--tls-key and --tls-ca need --tls-cert"};
  return out;
}

std::string server_usage() {
  return "usage: mossd [--dir DIR] [--host HOST] [--port PORT] [--fsync POLICY] [--engine KIND]\n"
         "             [--tls-cert PEM --tls-key PEM --tls-ca PEM]\n"
         "\n"
         "Opens the store in DIR (default ./moss-data) and publishes it to CAF nodes\n"
         "on HOST:PORT (default 127.0.0.1:7821; port 0 picks a free one). Prints\n"
         "'listening HOST:PORT' when ready. SIGINT or SIGTERM stop it cleanly: every\n"
         "accepted commit is finished and the log flushed and fsynced.\n"
         "POLICY: always, every_second (default), never. KIND: radix (default), hash.\n"
         "With --tls-cert, the store is published through TLS only (CAF's openssl\n"
         "module); plain peers are refused.\n";
}

} // namespace moss::server
