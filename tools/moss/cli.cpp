// Command-line parsing and store options.
#include "tools/moss/cli.hpp"

#include <string_view>

namespace moss::shell {

result<cli_config> parse_cli(std::span<const char* const> args) {
  cli_config cfg;
  bool have_dir = false;
  bool options_done = false;  // after "--" every argument is DIR
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (!options_done && (a == "-h" || a == "--help")) {
      cfg.help = true;
    } else if (!options_done && a == "-c") {
      if (i + 1 == args.size())
        return status{errc::invalid_argument, "-c needs a command"};
      cfg.commands.emplace_back(args[++i]);
    } else if (!options_done && a == "--check") {
      cfg.check = true;
    } else if (!options_done && a == "--fix") {
      cfg.fix = true;
    } else if (!options_done && a == "--") {
      options_done = true;
    } else if (!options_done && a.size() > 1 && a[0] == '-') {
      return status{errc::invalid_argument, "unknown option " + std::string{a}};
    } else if (have_dir) {
      return status{errc::invalid_argument, "more than one DIR: " + cfg.dir + " and "
                                              + std::string{a}};
    } else {
      cfg.dir = a;
      have_dir = true;
    }
  }
  if (cfg.fix && !cfg.check)
    return status{errc::invalid_argument, "--fix goes with --check"};
  if (cfg.check && !cfg.commands.empty())
    return status{errc::invalid_argument, "--check takes no -c commands"};
  return cfg;
}

std::string usage_text() {
  return std::string{"usage: moss [DIR] [-c COMMAND]... [--help]\n"
                     "       moss [DIR] --check [--fix]\n"
         "\n"
         "--check reports on DIR's snapshot and log without opening the store (exit\n"
         "0: it opens cleanly, 1: damage stops it); --fix then cuts a damaged log back\n"
         "to its longest valid prefix.\n"
         "\n"
         "The mossdb shell. Opens the store in DIR (default ./moss-data) and runs\n"
         "commands: each -c COMMAND in order, else the lines of stdin when it is not\n"
         "a terminal, else interactively. Type 'help' in the shell for commands.\n"}
         + "\n"
           "Exit status: 0 when every command succeeded, 1 when the store reported\n"
           "an error, 2 for a usage or syntax error. Without a terminal the shell\n"
           "stops at the first failing command. See docs/shell.md.\n";
}

std::string banner_text(const std::string& dir) {
  std::string out = "moss, the mossdb shell. Type 'help' for commands, 'quit' to leave.\n";
  out += "Store: " + dir + "\n";
  return out;
}

moss::options store_options(const std::string& dir) {
  moss::options opts;
  opts.dir = dir;
  return opts;
}

} // namespace moss::shell
