// A replica's feed, on its primary: one per replica that said hello to the
// gateway. Owns the replica's place in the commit stream (caught up from
// the watch history, else from the log segments, else by a full sync), the groups
// waiting to be framed (bounded: a replica that falls too far behind is
// ended, and syncs from a snapshot when it connects again), and during a
// full sync the open snapshot file. Receives: change groups from the watch
// hub (it follows the hub from the replica's next revision), acks and an
// end frame from the replica's follower (only from it), its own ticks.
// Sends: nothing until the follower's ready ack, then frames to the
// follower, at most feed_window unacknowledged, and a beat each second with
// the primary's revision; asks the coordinator for a compaction before a
// full sync. Ends with the follower (or its node), or when it leaves.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/interfaces.hpp"
#include "core/replication_status.hpp"

namespace moss {

/// What a gateway hands each feed it spawns.
struct replication_source {
  coordinator_actor coordinator;
  watch_hub_actor hub;
  uint64_t incarnation = 0;  ///< the primary's (see persistence/incarnation.hpp)
  std::string dir;           ///< where its snapshots are; empty: in memory (no full sync)
  std::shared_ptr<replication_status> status;
  std::string refuse;        ///< set: why this store takes no replicas (it is one itself)
};

/// Bounds of one feed.
struct feed_limits {
  size_t window = 8;                 ///< frames sent and not yet acknowledged
  size_t frame_bytes = 1u << 20;     ///< about this many payload bytes per frame
  size_t max_pending_bytes = 64u << 20;  ///< groups waiting; past it the replica must resync
};

/// Spawns the feed of the replica whose follower is `sink` and that said `hello`.
caf::actor spawn_replica_feed(caf::actor_system& sys, replication_source src, caf::actor sink,
                              repl_hello hello, feed_limits lim = {});

} // namespace moss
