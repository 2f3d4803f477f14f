// The outcome of an asynchronous write, to be waited for later.
#pragma once

#include <chrono>
#include <memory>

#include <moss/messages/txn.hpp>
#include <moss/result.hpp>

namespace moss {

class reply_slot;  // where the store puts the outcome (internal)

class write_future {
public:
  write_future() = default;
  explicit write_future(std::shared_ptr<reply_slot> slot) : slot_(std::move(slot)) {}

  /// An already-failed future (e.g. invalid input, closed store).
  static write_future failed(status st);

  bool valid() const noexcept { return slot_ != nullptr; }
  bool ready() const noexcept;

  /// Waits for the commit and returns its result.
  result<txn_result> get();

  /// Waits at most `timeout`; true when the outcome is there.
  bool wait_for(std::chrono::nanoseconds timeout);

private:
  std::shared_ptr<reply_slot> slot_;
};

} // namespace moss
