// How a commit's outcome reaches whoever waits for it. A plain thread waits on
// a reply_slot (spins briefly, then parks on a futex) instead of a CAF mailbox
// round trip; a reply_token guarantees an answer even if the store goes away.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "common/result.hpp"
#include "messages/txn.hpp"

namespace moss {

using txn_outcome = result<txn_result>;

/// Receives one commit's outcome, exactly once.
class completion {
public:
  virtual ~completion() = default;
  virtual void complete(txn_outcome outcome) = 0;
};

/// A completion a plain thread waits on.
class reply_slot final : public completion {
public:
  void complete(txn_outcome outcome) override;

  /// True once the outcome is there.
  bool ready() const noexcept { return state_.load(std::memory_order_acquire) != 0; }

  /// Waits for the outcome: spins up to ~2,000 pauses, then parks.
  txn_outcome& wait();

  /// Waits at most `timeout`; false if the outcome is not there by then.
  bool wait_for(std::chrono::nanoseconds timeout);

private:
  std::atomic<uint32_t> state_{0};
  std::optional<txn_outcome> outcome_;
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
