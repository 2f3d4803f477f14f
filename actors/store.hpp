// The store actor: the public face of a store (the one spawned by spawn_store
// and published by mossd). Owns: nothing but handles and limits; it validates
// requests at this trust boundary. Serves reads and scans itself from the
// keyspace; asks the coordinator (txn, compact, stats) and the watch hub
// (watch, stats) and answers with their replies itself, never delegating, so
// a peer only ever hears from this actor; passes unwatch and acks on to the hub.
#pragma once

#include <memory>
#include <vector>

#include "actors/interfaces.hpp"
#include "core/keyspace.hpp"
#include "core/options.hpp"

namespace moss {

struct store_state {
  std::shared_ptr<keyspace> ks;
  std::vector<shard_actor> shards;
  coordinator_actor coordinator;
  watch_hub_actor hub;
  limits lim;
  static inline const char* name = "moss.store";
};

store_actor::behavior_type store_impl(store_actor::stateful_pointer<store_state> self,
                                      std::shared_ptr<keyspace> ks,
                                      std::vector<shard_actor> shards,
                                      coordinator_actor coordinator, watch_hub_actor hub,
                                      limits lim);

} // namespace moss
