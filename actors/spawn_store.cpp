// Spawning the actors of a store.
#include "actors/spawn_store.hpp"

#include <thread>

#include "actors/coordinator.hpp"
#include "actors/shard.hpp"
#include "actors/store.hpp"
#include "messages/errors.hpp"

namespace moss {

void add_moss_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::moss>();
  cfg.add_error_category(caf::atom("moss"), render_error);
}

store_parts start_store(caf::actor_system& sys, const options& opts) {
  size_t n = opts.shards != 0 ? opts.shards : std::max(1u, std::thread::hardware_concurrency());
  store_parts parts;
  parts.ks = std::make_shared<keyspace>(opts.engine, n, opts.clock);
  for (size_t i = 0; i < n; ++i)
    parts.shards.push_back(sys.spawn(shard_impl, parts.ks, i));
  parts.coordinator = sys.spawn(coordinator_impl, parts.ks, parts.shards);
  parts.store = sys.spawn(store_impl, parts.ks, parts.shards, parts.coordinator, opts.limit);
  return parts;
}

store_actor spawn_store(caf::actor_system& sys, const options& opts) {
  return start_store(sys, opts).store;
}

} // namespace moss
