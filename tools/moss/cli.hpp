// The moss command line: `moss [DIR] [-c COMMAND]... [--help]`, and the one
// place the store's options are built from it.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "core/options.hpp"

namespace moss::shell {

struct cli_config {
  std::string dir = "./moss-data";
  std::vector<std::string> commands;  ///< from -c, in order
  bool help = false;
  bool check = false;  ///< --check: report on DIR's files instead of opening it
  bool fix = false;    ///< --fix (with --check): cut a damaged log back to its valid prefix
};

/// Parses the arguments after the program name; errors are invalid_argument.
result<cli_config> parse_cli(std::span<const char* const> args);

/// The text `moss --help` prints.
std::string usage_text();

/// What the interactive shell prints first: how to get help and where the
/// data lives.
std::string banner_text(const std::string& dir);

/// The options the shell opens its store with: the store in `dir`.
moss::options store_options(const std::string& dir);

} // namespace moss::shell
