// The interactive loop: GNU readline with history, for a person at a terminal.
#pragma once

#include <string>

#include "tools/moss/cli.hpp"
#include "tools/moss/session.hpp"

namespace moss::shell {

/// Prints the banner, then reads and runs lines until quit or end of input.
/// Errors are reported and the loop goes on; returns the exit code 0.
int run_interactive(session& s, const cli_config& cfg);

} // namespace moss::shell
