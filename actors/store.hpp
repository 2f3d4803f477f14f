// The store actor: the public face of a store (the one spawned by spawn_store
// and published by mossd). Owns: nothing but handles and limits; it validates
// requests and routes them. Sends: get/exists to shard[hash(key) % N], txn, compact and
// stats to the coordinator and watch requests to the watch hub (delegated:
// the answer needs no extra hop), unwatch and acks to the hub; serves scans
// itself as one consistent cut over all shards.
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
