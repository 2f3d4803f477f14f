// A replica's follower: the one actor of a replica that talks to its
// primary. Owns the connection (the primary's feed handle, retried with
// backoff while the store goes on serving reads), the replica's place in the
// stream (the revision applied, the primary incarnation it came from, kept
// in the data directory's REPLICA file) and, during a full sync, the
// snapshot being received. Receives: frames from the feed (only from it),
// down messages, ticks from its ticker. Sends: hello to the primary's gateway, acks
// to the feed, replicate and adopt to its own coordinator (each awaited, so
// frames apply in order), adopt to its own watch hub. Runs on a thread of its
// own (it reads a received snapshot into memory before handing it over).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/spawn_store.hpp"

namespace moss {

struct follower_config {
  std::string host;
  uint16_t port = 0;
  caf::actor middleman;  ///< the middleman actor that connects (plain or TLS)
  std::string name;      ///< how the primary lists this replica
  store_parts parts;     ///< the replica's own store
  std::function<void(std::string_view)> log;
};

/// Starts following `cfg.host:cfg.port`; the follower ends with the store.
caf::actor spawn_replica_follower(caf::actor_system& sys, follower_config cfg);

} // namespace moss
