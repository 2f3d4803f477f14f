// The SIGINT flag behind interrupt_guard.
#include "tools/moss/interrupt.hpp"

#include <atomic>

namespace moss::shell {

namespace {

std::atomic<bool> interrupted{false};  // lock-free, so safe in a signal handler

void on_sigint(int) {
  interrupted.store(true, std::memory_order_relaxed);
}

} // namespace

interrupt_guard::interrupt_guard() {
  interrupted.store(false, std::memory_order_relaxed);
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &previous_);
}

interrupt_guard::~interrupt_guard() {
  sigaction(SIGINT, &previous_, nullptr);
}

bool interrupt_guard::fired() const noexcept {
  return interrupted.load(std::memory_order_relaxed);
}

} // namespace moss::shell
