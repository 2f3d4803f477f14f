// The store as an actor, for CAF programs: spawn it into your actor system
// and talk to its typed handle with the message types under moss/messages/.
//
//   caf::actor_system_config cfg;
//   moss::add_moss_types(cfg);
//   caf::actor_system sys{cfg};
//   auto store = moss::spawn_store(sys, {.dir = "data"});
//   self->request(*store, 1s, moss::txn_atom_v, moss::txn_request::of(...));
#pragma once

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <moss/messages/errors.hpp>
#include <moss/messages/store_handle.hpp>
#include <moss/options.hpp>
#include <moss/result.hpp>

namespace moss {

/// Registers mossdb's message types and error category; call on the config
/// of every actor system that talks to a store (both ends of a connection).
void add_moss_types(caf::actor_system_config& cfg);

/// Spawns a store and returns its public actor. Sending it an exit message
/// stops the store; its writes are in the log by then.
result<store_actor> spawn_store(caf::actor_system& sys, const options& opts = {});

} // namespace moss
