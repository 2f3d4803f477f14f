// What moss::db runs on: one interface, two back ends. embedded_impl runs the
// store in this process (reads straight from the keyspace); remote_impl talks
// to a store actor on another node. The facade (db.cpp) validates input and
// shapes results; a back end only moves requests and answers.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include <moss/db.hpp>

#include "client/watch_channel.hpp"
#include "core/completion.hpp"

namespace moss {

struct db::impl {
  virtual ~impl() = default;

  /// Limits requests are checked against before they leave the caller.
  virtual const limits& limit() const = 0;
  virtual bool closed() const noexcept = 0;
  /// The store's clock (deadlines are nanoseconds since the Unix epoch).
  virtual int64_t now_ns() const = 0;

  virtual result<std::optional<kv>> entry(std::string_view key) = 0;
  virtual result<bool> exists(std::string_view key) = 0;
  virtual result<scan_result> scan(const scan_request& req) = 0;
  /// Sends a validated commit; its outcome goes to `done` exactly once.
  virtual void submit(txn_request req, std::shared_ptr<completion> done) = 0;
  virtual result<store_stats> stats() = 0;
  /// A snapshot at the current revision; returns its revision.
  virtual result<revision> compact() = 0;
  /// Starts the bridge of a validated watch; failures end the channel.
  virtual void start_watch(watch_request req, std::shared_ptr<watch_channel> ch) = 0;
  /// Ends the back end; later calls fail with errc::closed. Idempotent.
  virtual status close() = 0;
  /// Answers take a network round trip: callers park instead of spinning.
  virtual bool remote() const noexcept = 0;

  /// Submits and waits.
  virtual result<txn_result> commit(txn_request req) {
    auto slot = std::make_shared<reply_slot>();
    submit(std::move(req), slot);
    return std::move(remote() ? slot->wait_parked() : slot->wait());
  }
};

inline status closed_error() {
  return {errc::closed, "the store is closed"};
}

} // namespace moss
