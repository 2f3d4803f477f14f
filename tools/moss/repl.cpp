// The readline loop; history is kept in ~/.moss_history across sessions.
#include "tools/moss/repl.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

#include <readline/history.h>
#include <readline/readline.h>

#include "tools/moss/cli.hpp"

namespace moss::shell {

namespace {

constexpr int history_lines = 1000;

std::string history_path() {
  const char* home = std::getenv("HOME");
  return home != nullptr && *home != '\0' ? std::string{home} + "/.moss_history" : std::string{};
}

} // namespace

int run_interactive(session& s, const cli_config& cfg) {
  std::cout << banner_text(cfg) << std::flush;
  std::string history = history_path();
  if (!history.empty())
    (void) read_history(history.c_str());
  while (true) {
    std::unique_ptr<char, decltype(&std::free)> line{readline("moss> "), &std::free};
    if (!line) {  // end of input (Ctrl-D)
      std::cout << '\n';
      break;
    }
    if (*line.get() != '\0')
      add_history(line.get());
    if (s.run_line(line.get()).kind == outcome_kind::quit)
      break;
    std::cout.flush();
  }
  if (!history.empty()) {
    (void) write_history(history.c_str());
    (void) history_truncate_file(history.c_str(), history_lines);
  }
  return 0;
}

} // namespace moss::shell
