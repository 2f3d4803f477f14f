// The way of a remote moss::db's gets, exists and txns: callers append their
// call and, while fewer than max_batches_out batches are out, the caller (or
// the thread delivering an answer) sends everything queued as one call batch
// straight to the remote store's proxy. Answers are completed on the thread
// that delivers them (the middleman's), which sends the next batch at once,
// so no actor is scheduled between a caller and the network either way, a
// caller alone on the connection sends a batch of one, and concurrent callers
// share round trips.
// Owns: the calls queued and the batches out, with their deadlines.
// Receives: only answers to those batches. Sends: call batches to the store.
// The client actor fails its calls when the store is lost, and expires them
// past their deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/monitorable_actor.hpp>

#include "client/remote_client.hpp"

namespace moss {

class call_pipe final : public caf::monitorable_actor {
public:
  /// At most this many calls per batch, to bound a message's size and latency.
  static constexpr size_t max_batch_calls = 1024;
  /// Batches out at once: enough to keep both ends busy (one answered while
  /// others are worked on and the next fills), few enough that calls gather
  /// into large batches.
  static constexpr size_t max_batches_out = 2;

  call_pipe(caf::actor_config& cfg, store_actor store, std::string where, caf::timespan timeout);

  /// A pipe of `sys` to `store` (not scheduled: it runs on the threads that
  /// call it), held by the returned reference.
  static caf::strong_actor_ptr make(caf::actor_system& sys, store_actor store, std::string where,
                                    caf::timespan timeout);
  /// The pipe a reference from make() holds.
  static call_pipe& of(const caf::strong_actor_ptr& ref) {
    return *static_cast<call_pipe*>(caf::actor_cast<caf::abstract_actor*>(ref));
  }

  const char* name() const override { return "moss.call_pipe"; }

  /// Queues `item` for the next batch, and sends it if the window is open.
  /// True when other calls were queued or out: the item shares the pipe.
  bool submit(batch_item_ptr item);

  /// An answer from the network: completes its batch's calls, sends the next.
  void enqueue(caf::mailbox_element_ptr what, caf::execution_unit* host) override;

  /// Fails every call queued or out, and every later one, with `why` (the
  /// store is unreachable, or the db closed).
  void fail_all(const status& why);

  /// Fails the calls whose deadline has passed with errc::timeout.
  void expire(std::chrono::steady_clock::time_point now);

  /// Ends the pipe (at close): it takes no answers after, and lets go of the store.
  void stop();

private:
  using clock = std::chrono::steady_clock;

  struct queued_call {
    batch_item_ptr item;
    clock::time_point deadline;
  };
  struct out_batch {
    std::vector<batch_item_ptr> items;
    clock::time_point deadline;  ///< its first (oldest) call's
  };

  /// Sends queued calls as batches while the window is open, one thread at a
  /// time (so batches leave in the order their calls were queued). Called
  /// with `lock` held; returns with it released.
  void pump(std::unique_lock<std::mutex>& lock);

  const std::string where_;
  const caf::timespan timeout_;
  std::mutex mu_;
  store_actor store_;  ///< reset by stop(), after fail_all() has set gone_
  uint64_t next_id_ = 1;
  bool sending_ = false;  ///< a thread is in pump()'s send
  std::vector<queued_call> queued_;
  std::unordered_map<uint64_t, out_batch> out_;
  std::optional<status> gone_;  ///< set by fail_all: no call goes out again
};

} // namespace moss
