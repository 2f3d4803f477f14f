// The watch hub actor: owns every watcher of a store (in a watch_registry:
// the index by key, prefix and range, the bounded history, each watcher's
// queue accounting) and the subscriber handles, which it monitors.
// Receives: change groups from the coordinator (it subscribes at spawn, with
// previous values), watch/stats from a store front, unwatch/ack passed on by
// a store front with the sender it saw (honoured only from the watch's own
// subscriber), follow from a replica's feed, adopt from a replica's follower, and its own
// progress ticks; nothing from other nodes. Sends: watch_batch and
// watch_end to subscribers, change groups to the feeds that follow; asks the coordinator for the current revision
// (revision) when a watch starts "now". Never blocks.
#pragma once

#include <unordered_map>
#include <vector>

#include "actors/interfaces.hpp"
#include "core/watch_registry.hpp"

namespace moss {

struct watch_hub_state {
  watch_registry reg;
  size_t max_key_size = 0;
  size_t max_watches_per_node = 0;
  std::unordered_map<caf::node_id, size_t> per_node;  ///< watches of subscribers elsewhere
  coordinator_actor coordinator;         ///< asked for "now"; null: the hub's own revision
  std::vector<watch_subscriber> subs;    ///< by registry slot
  std::unordered_map<caf::actor_addr, std::vector<watch_id>> by_subscriber;
  std::vector<change_listener> followers;  ///< replica feeds, each sent every group
  uint64_t tick_gen = 0;                 ///< only the newest progress tick counts
  int64_t tick_at = 0;                   ///< when it fires (actor clock, ns); 0: none
  bool closed = false;
  static inline const char* name = "moss.watch_hub";
};

watch_hub_actor::behavior_type watch_hub_impl(watch_hub_actor::stateful_pointer<watch_hub_state> self,
                                              coordinator_actor coordinator, watch_config cfg,
                                              revision recovered_rev);

/// Spawns a hub over the store whose coordinator is `coordinator` and
/// subscribes it there before returning, so it sees every commit after
/// `recovered_rev` (the revision the store recovered to).
watch_hub_actor spawn_watch_hub(caf::actor_system& sys, coordinator_actor coordinator,
                                watch_config cfg, revision recovered_rev);

/// The oldest available revision carried by a errc::compacted error from a
/// watch request (0 if `err` is not one).
revision compact_revision_of(const caf::error& err);

} // namespace moss
