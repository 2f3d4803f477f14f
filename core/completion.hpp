// How a commit's outcome reaches whoever waits for it. A plain thread waits on
// a reply_slot (spins briefly, then parks on a futex) instead of a CAF mailbox
// round trip; a reply_token guarantees an answer even if the store goes away.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include <moss/messages/txn.hpp>
#include <moss/result.hpp>

namespace moss {

using txn_outcome = result<txn_result>;

/// Receives one commit's outcome, exactly once.
class completion {
public:
  virtual ~completion() = default;
  virtual void complete(txn_outcome outcome) = 0;
};

/// A one-shot flag a plain thread waits for: it spins ~3 us, yields a
/// while, then parks on a futex.
class ready_flag {
public:
  void set() noexcept;
  bool is_set() const noexcept { return state_.load(std::memory_order_acquire) != 0; }
  void wait() const noexcept;
  /// Parks on the futex at once: for answers that take a network round trip,
  /// where spinning only takes the core from the threads doing the work.
  void wait_parked() const noexcept;
  /// Yields the core for up to `budget` before parking: for a thread among
  /// many more waiting threads than cores, whose answers come many at once
  /// (a batch completing its calls). A yielding thread sees its flag set
  /// without a futex wake-up, and keeps the VM's core from halting; each
  /// parked thread costs the completing thread a wake-up call and itself a
  /// wake-up of tens of microseconds here. (Letting only 1-4 of 32 waiting
  /// threads yield lost most of the gain: it is each parked thread's own
  /// wake-up that costs.)
  void wait_yielding(std::chrono::nanoseconds budget) const noexcept;
  /// False if the flag is still clear after `timeout`.
  bool wait_for(std::chrono::nanoseconds timeout) const noexcept;

private:
  std::atomic<uint32_t> state_{0};
};

/// One value handed from one thread to another that waits for it.
template <class T>
class value_slot {
public:
  void complete(T value) {
    value_.emplace(std::move(value));
    flag_.set();
  }
  bool ready() const noexcept { return flag_.is_set(); }
  T& wait() {
    flag_.wait();
    return *value_;
  }
  /// Waits without spinning first (see ready_flag::wait_parked).
  T& wait_parked() {
    flag_.wait_parked();
    return *value_;
  }
  /// Yields first (see ready_flag::wait_yielding).
  T& wait_yielding(std::chrono::nanoseconds budget) {
    flag_.wait_yielding(budget);
    return *value_;
  }
  bool wait_for(std::chrono::nanoseconds timeout) { return flag_.wait_for(timeout); }

private:
  ready_flag flag_;
  std::optional<T> value_;
};

/// A completion a plain thread waits on.
class reply_slot final : public completion {
public:
  void complete(txn_outcome outcome) override { slot_.complete(std::move(outcome)); }

  /// True once the outcome is there.
  bool ready() const noexcept { return slot_.ready(); }

  /// Waits for the outcome.
  txn_outcome& wait() { return slot_.wait(); }
  /// Waits without spinning first (see ready_flag::wait_parked).
  txn_outcome& wait_parked() { return slot_.wait_parked(); }

  /// Waits at most `timeout`; false if the outcome is not there by then.
  bool wait_for(std::chrono::nanoseconds timeout) { return slot_.wait_for(timeout); }

private:
  value_slot<txn_outcome> slot_;
};

/// A completion that runs a callback on the store's thread (keep it short).
class callback_completion final : public completion {
public:
  explicit callback_completion(std::function<void(txn_outcome)> fn) : fn_(std::move(fn)) {}
  void complete(txn_outcome outcome) override { fn_(std::move(outcome)); }

private:
  std::function<void(txn_outcome)> fn_;
};

/// Carries a completion inside a message. Completed at most once; if the last
/// reference goes away unanswered (a message dropped by a closed store), it
/// completes with errc::closed, so no caller ever waits forever.
class reply_token {
public:
  explicit reply_token(std::shared_ptr<completion> c) : c_(std::move(c)) {}
  reply_token(const reply_token&) = delete;
  reply_token& operator=(const reply_token&) = delete;
  ~reply_token();

  void complete(txn_outcome outcome);

private:
  std::shared_ptr<completion> c_;
};

using reply_token_ptr = std::shared_ptr<reply_token>;

} // namespace moss
