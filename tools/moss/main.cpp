// moss: the mossdb shell. Parses the command line, opens the store (or
// connects to a node), and runs commands from -c, from stdin, or interactively.
#include <iostream>
#include <span>

#include <unistd.h>

#include <moss/db.hpp>
#include <moss/version.hpp>

#include "tools/moss/check.hpp"
#include "tools/moss/cli.hpp"
#include "tools/moss/repl.hpp"
#include "tools/moss/session.hpp"

int main(int argc, char** argv) {
  using namespace moss::shell;
  auto cfg = parse_cli(std::span<const char* const>{argv + 1, static_cast<size_t>(argc - 1)});
  if (!cfg) {
    std::cerr << "error: usage: " << cfg.error().message() << "\n" << usage_text();
    return 2;
  }
  if (cfg->help) {
    std::cout << usage_text();
    return 0;
  }
  if (cfg->version) {
    std::cout << "moss (mossdb) " MOSS_VERSION "\n";
    return 0;
  }
  if (cfg->check)
    return run_check(cfg->dir, cfg->fix, std::cout, std::cerr);
  auto db = cfg->remote_store() ? moss::db::connect(cfg->host, cfg->port, cfg->remote)
                                : moss::db::open(store_options(*cfg));
  if (!db) {
    std::cerr << "error: " << db.error().to_string() << "\n";
    return 1;
  }
  bool interactive = cfg->commands.empty() && isatty(STDIN_FILENO) == 1;
  session s{*db, std::cout, std::cerr, interactive};
  int code = 0;
  if (!cfg->commands.empty())
    code = s.run_commands(cfg->commands);
  else if (interactive)
    code = run_interactive(s, *cfg);
  else
    code = s.run_lines(std::cin);
  std::cout.flush();
  if (auto st = db->close(); !st) {
    std::cerr << "error: " << st.to_string() << "\n";
    return code != 0 ? code : 1;
  }
  return code;
}
