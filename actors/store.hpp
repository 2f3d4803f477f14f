// The store front: the public face of a store, for CAF actors in this process
// or on other nodes. Two kinds run the same behavior (store_front_behavior):
// the store actor that spawn_store returns, which links to the internal
// actors and whose exit stops them; and a peer session (actors/session.hpp),
// one per peer of a published store, which links to nothing and is bounded.
// Owns: nothing but handles, limits and (a session) its count of calls in
// flight; it validates requests at this trust boundary. Serves reads and
// scans itself from the keyspace (a scan answers at most
// peer_limits::max_scan_results entries, with `more`); hands a call batch's
// txns to the coordinator through the store's commit intake (one message for
// all) and answers the batch, as this actor, from the thread that makes the
// last one visible; asks the coordinator (txn, compact, stats) and the watch
// hub (watch, stats) and answers with their replies itself, never
// delegating, so a peer only ever hears from this actor; passes unwatch and
// acks on to the hub with their sender, who must be the watch's subscriber.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include <moss/options.hpp>

#include "actors/commit_intake.hpp"
#include "actors/interfaces.hpp"
#include "core/keyspace.hpp"

namespace moss {

/// What a store front serves from and talks to.
struct store_front {
  std::shared_ptr<keyspace> ks;
  coordinator_actor coordinator;
  watch_hub_actor hub;
  limits lim;
  peer_limits peer;
  std::shared_ptr<commit_intake> intake;  ///< a call batch's txns go to the coordinator this way
};

struct store_state {
  store_front front;
  bool bounded = false;  ///< a session: peer.max_in_flight applies
  /// Relayed calls not yet answered (a call batch's are answered off this
  /// actor's thread, hence shared and atomic).
  std::shared_ptr<std::atomic<size_t>> in_flight = std::make_shared<std::atomic<size_t>>(0);
  static inline const char* name = "moss.store";
};

using store_ptr = store_actor::stateful_pointer<store_state>;

/// The request handlers of every store front.
store_actor::behavior_type store_front_behavior(store_ptr self);

/// The owning store actor: links to the coordinator, shards and hub.
store_actor::behavior_type store_impl(store_ptr self, store_front front,
                                      std::vector<shard_actor> shards);

} // namespace moss
