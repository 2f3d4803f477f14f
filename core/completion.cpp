// Reply slots and tokens.
#include "core/completion.hpp"

#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MOSS_PAUSE() _mm_pause()
#else
#define MOSS_PAUSE() std::this_thread::yield()
#endif

namespace moss {

void ready_flag::set() noexcept {
  state_.store(1, std::memory_order_release);
  state_.notify_all();
}

void ready_flag::wait() const noexcept {
  // 1. A commit usually lands within a few microseconds: spinning ~3 us is
  //    far cheaper than a futex sleep and wake-up (30-50 us here).
  // 2. Then yield a while: when threads outnumber cores (many writers), the
  //    core goes to whoever has the work to do.
  // 3. Then park on the futex.
  for (int i = 0; i < 256 && !is_set(); ++i)
    MOSS_PAUSE();
  for (int i = 0; i < 32 && !is_set(); ++i)
    std::this_thread::yield();
  while (!is_set())
    state_.wait(0, std::memory_order_acquire);
}

void ready_flag::wait_parked() const noexcept {
  while (!is_set())
    state_.wait(0, std::memory_order_acquire);
}

void ready_flag::wait_yielding(std::chrono::nanoseconds budget) const noexcept {
  const auto deadline = std::chrono::steady_clock::now() + budget;
  while (!is_set() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  wait_parked();
}

bool ready_flag::wait_for(std::chrono::nanoseconds timeout) const noexcept {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (int i = 0; i < 256 && !is_set(); ++i)
    MOSS_PAUSE();
  while (!is_set()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
  return true;
}

reply_token::~reply_token() {
  if (c_)
    c_->complete(status{errc::closed, "the store was closed before the commit was done"});
}

void reply_token::complete(txn_outcome outcome) {
  if (auto c = std::move(c_))
    c->complete(std::move(outcome));
}

} // namespace moss
