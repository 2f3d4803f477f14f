// Ctrl-C as a request to stop a long-running command (watch) rather than the
// shell: while a guard lives, SIGINT only sets a flag the command polls.
#pragma once

#include <csignal>

namespace moss::shell {

class interrupt_guard {
public:
  interrupt_guard();
  ~interrupt_guard();  ///< restores the previous SIGINT handling
  interrupt_guard(const interrupt_guard&) = delete;
  interrupt_guard& operator=(const interrupt_guard&) = delete;

  /// Ctrl-C was pressed since the guard was made.
  bool fired() const noexcept;

private:
  struct sigaction previous_ {};
};

} // namespace moss::shell
