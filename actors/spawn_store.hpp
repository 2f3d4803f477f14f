// Starting a store inside a CAF actor system: spawn_store for CAF
// applications, and start_store, which also hands out the parts the embedded
// facade uses directly (the keyspace for reads, the coordinator for writes).
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include <moss/options.hpp>
#include <moss/result.hpp>
#include <moss/store.hpp>

#include "actors/commit_intake.hpp"
#include "actors/interfaces.hpp"
#include "actors/replica_feed.hpp"
#include "actors/store.hpp"
#include "core/keyspace.hpp"
#include "core/replication_status.hpp"

namespace moss {

/// The actors and shared state of one running store.
struct store_parts {
  store_actor store;
  coordinator_actor coordinator;
  std::vector<shard_actor> shards;
  wal_actor wal;  ///< null for an in-memory store
  ttl_timer_actor ttl;
  watch_hub_actor hub;
  std::shared_ptr<keyspace> ks;
  std::shared_ptr<commit_intake> intake;  ///< the facade's way to the coordinator
  store_front front;  ///< what more store fronts (peer sessions) serve from
  uint64_t incarnation = 0;  ///< see persistence/incarnation.hpp
  file_system* fs = nullptr;  ///< persistent stores: where the clean-close marker goes
  std::string dir;
  std::function<void(std::string_view)> log;  ///< options::log
  std::shared_ptr<replication_status> replication;  ///< replicas (a primary) or the primary (a replica)
  engine_kind engine = engine_kind::radix;
  std::shared_ptr<const time_source> clock;
  limits lim;
};

/// Recovers `opts.dir` (if set), then spawns the WAL writer, shards,
/// coordinator, watch hub and store. Sending the store an exit message stops all of
/// them. Fails with errc::locked, errc::corruption or errc::io_error.
result<store_parts> start_store(caf::actor_system& sys, const options& opts);

/// What a replica's feed streams this store from (see actors/replica_feed.hpp).
replication_source replication_source_of(const store_parts& parts);

/// Hands a facade commit to the coordinator through the store's intake,
/// ringing it when the intake was empty (see actors/commit_intake.hpp).
void submit_commit(const store_parts& parts, local_commit c);

/// Stops a store cleanly: the coordinator finishes every commit it accepted
/// and the log is flushed and fsynced, then the actors exit. Blocks; call it
/// from a plain thread, never from an actor. Returns the flush's outcome.
status stop_store(store_parts& parts);

} // namespace moss
