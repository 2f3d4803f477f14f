// The facade's side of a watch: a channel (mutex/condvar queue) that a plain
// thread reads, filled by a small bridge actor that subscribes through a
// store front (the embedded store actor or a remote session). The bridge
// owns nothing but the channel pointer; it sends the watch request and, for
// callback watches, acks; the reader acks as it consumes (every limit / 4
// items, and when it has read everything) and sends unwatch on cancel, both
// as the bridge, the only sender the store honours them from.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <vector>
#include <mutex>
#include <optional>

#include <moss/watch.hpp>

#include "actors/interfaces.hpp"

namespace moss {

struct watch_channel {
  struct item {
    watch_event ev;
    revision through = 0;  ///< every change up to here is handed out once `ev` is
  };

  std::mutex mu;
  std::condition_variable cv;
  std::deque<item> queue;
  bool started = false;   ///< the hub answered, or the watch failed to start
  bool finished = false;  ///< no more items will be queued
  std::optional<watch_end> end;
  watch_id id = 0;
  revision start_rev = 0;
  uint64_t incarnation = 0;
  revision position = 0;  ///< reached(): every change up to here was handed out
  uint64_t consumed = 0;  ///< items handed out (acked to the hub in steps)
  uint64_t acked = 0;
  uint64_t ack_every = 1;
  caf::actor hub;         ///< takes acks and unwatch: a store front; null once finished
  caf::actor_addr bridge; ///< they are sent as the bridge, the watch's subscriber
  // Callback watches: on_event runs under cb_mu, so cancel() from another
  // thread waits for a running callback (and cancel() inside one is fine).
  watch_callback on_event;
  watch_end_callback on_end;
  std::recursive_mutex cb_mu;

  /// The hub registered the watch.
  void on_created(const watch_created& c, caf::actor h, caf::actor_addr me);
  /// Queues a batch (or runs the callback); returns false if the watch ended.
  bool on_batch(watch_batch& b);
  /// The watch ended (first call wins); wakes the reader.
  void finish(watch_end e);
  /// Ends before it began: `st` says why (ok is taken as closed).
  void fail(const status& st, revision compact_rev = 0);
  /// Waits until the hub answered or the watch failed.
  void wait_started();
  /// Pops the next item; waits while `wait` and until `deadline` (if set).
  std::optional<watch_event> pop(bool wait,
                                 std::optional<std::chrono::steady_clock::time_point> deadline);
  void cancel();

private:
  // The store front honours watch control only from the subscriber.
  template <class... Ts>
  void send_as_bridge(Ts&&... xs) {
    if (auto me = caf::actor_cast<caf::actor>(bridge))
      caf::send_as(me, hub, std::forward<Ts>(xs)...);
  }
  void count_consumed_locked(uint64_t n);
  void finish_locked(watch_end e);
};

/// The bridge actor between the hub and a channel.
struct watch_bridge_state {
  std::shared_ptr<watch_channel> ch;
  revision last_rev = 0;
  /// Batches (and the end) that overtook the answer to the watch request: a
  /// store relays that answer while the hub sends events straight to us.
  bool created = false;
  std::vector<watch_batch> early;
  std::optional<watch_end> early_end;
  static inline const char* name = "moss.watch_bridge";
};

/// Where a bridge subscribes, and how the watch ends if that actor goes away
/// (errc::closed for the embedded hub, errc::unreachable for a remote node).
struct watch_source {
  caf::actor hub;  ///< the watch hub or a store actor
  status gone;
};

watch_subscriber::behavior_type
watch_bridge(watch_subscriber::stateful_pointer<watch_bridge_state> self,
             std::shared_ptr<watch_channel> ch, watch_source source, watch_request req);

} // namespace moss
