// A shell session: runs command lines against one store, prints results and
// errors, and turns what happened into the process exit code.
#pragma once

#include <istream>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include <moss/db.hpp>

#include "tools/moss/outcome.hpp"

namespace moss::shell {

class session {
public:
  /// Results go to `out`, "error: ..." lines to `err`. `interactive` means a
  /// person at a terminal: errors do not stop the session.
  session(moss::db& db, std::ostream& out, std::ostream& err, bool interactive)
    : db_(db), out_(out), err_(err), interactive_(interactive) {}

  /// Runs one line (blank lines and lines starting with # do nothing) and
  /// prints its error, if any, followed by `where` (e.g. " (line 3)").
  outcome run_line(std::string_view line, std::string_view where = {});

  /// Runs each of `commands` (from -c) until one fails or quits; returns the
  /// exit code: 0, or that of the failure.
  int run_commands(std::span<const std::string> commands);

  /// Runs the lines of `in` (stdin that is not a terminal) the same way;
  /// errors name their line number.
  int run_lines(std::istream& in);

private:
  outcome execute(std::string_view line);

  moss::db& db_;
  std::ostream& out_;
  std::ostream& err_;
  bool interactive_;
};

} // namespace moss::shell
