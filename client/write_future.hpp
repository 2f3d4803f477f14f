// The outcome of an asynchronous write, to be waited for later.
#pragma once

#include <chrono>
#include <memory>

#include "core/completion.hpp"

namespace moss {

class write_future {
public:
  write_future() = default;
  explicit write_future(std::shared_ptr<reply_slot> slot) : slot_(std::move(slot)) {}

  /// An already-failed future (e.g. invalid input, closed store).
  static write_future failed(status st) {
    auto slot = std::make_shared<reply_slot>();
    slot->complete(std::move(st));
    return write_future{std::move(slot)};
  }

  bool valid() const noexcept { return slot_ != nullptr; }
  bool ready() const noexcept { return slot_ && slot_->ready(); }

  /// Waits for the commit and returns its result.
  result<txn_result> get() { return slot_->wait(); }

  /// Waits at most `timeout`; true when the outcome is there.
  bool wait_for(std::chrono::nanoseconds timeout) { return slot_->wait_for(timeout); }

private:
  std::shared_ptr<reply_slot> slot_;
};

} // namespace moss
