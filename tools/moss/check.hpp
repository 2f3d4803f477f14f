// `moss DIR --check [--fix]`: what an open of DIR would find, without opening
// it, and optionally the repair of a damaged log.
#pragma once

#include <ostream>
#include <string>

namespace moss::shell {

/// Prints the report; returns the exit code: 0 clean (or fixed), 1 damaged
/// (or the check or fix failed).
int run_check(const std::string& dir, bool fix, std::ostream& out, std::ostream& err);

} // namespace moss::shell
