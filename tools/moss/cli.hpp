// The moss command line: `moss [DIR | --connect HOST:PORT] [-c COMMAND]...`,
// and the one place the store's (or the connection's) options are built from it.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include <moss/connect_options.hpp>
#include <moss/options.hpp>
#include <moss/result.hpp>

namespace moss::shell {

struct cli_config {
  std::string dir = "./moss-data";
  std::vector<std::string> commands;  ///< from -c, in order
  bool help = false;
  bool version = false;  ///< --version: print mossdb's version
  /// --fsync, --engine: how the store in DIR is opened (not with --connect).
  std::optional<fsync_policy> fsync;
  std::optional<engine_kind> engine;
  bool check = false;  ///< --check: report on DIR's files instead of opening it
  bool fix = false;    ///< --fix (with --check): cut a damaged log back to its valid prefix
  std::string host;    ///< --connect HOST:PORT: talk to a mossd node instead of DIR
  uint16_t port = 0;
  moss::connect_options remote;  ///< --timeout, --tls-cert, --tls-key, --tls-ca

  bool remote_store() const { return !host.empty(); }
  /// What the banner names: DIR, or HOST:PORT.
  std::string where() const { return remote_store() ? host + ":" + std::to_string(port) : dir; }
};

/// Splits "HOST:PORT" (PORT 1-65535; "[::1]:7821" for IPv6 addresses).
result<std::pair<std::string, uint16_t>> parse_endpoint(std::string_view text);

/// Parses the arguments after the program name; errors are invalid_argument.
result<cli_config> parse_cli(std::span<const char* const> args);

/// The text `moss --help` prints.
std::string usage_text();

/// What the interactive shell prints first: how to get help and where the
/// data lives (a directory, or a node's HOST:PORT).
std::string banner_text(const cli_config& cfg);

/// The options the shell opens its store with: the store in DIR, with
/// --fsync and --engine if given, reporting to stderr.
moss::options store_options(const cli_config& cfg);

} // namespace moss::shell
