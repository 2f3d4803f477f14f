// The shard actor. Owns: shard `index` of the keyspace, whose engine it alone
// writes. Receives: apply (from the coordinator), get and exists (from the
// store). Sends: answers to the embedded callers of a group and `applied` to
// the coordinator, when it applies a group's last part; replies to reads.
#pragma once

#include <memory>

#include <caf/actor_cast.hpp>

#include "actors/interfaces.hpp"
#include "core/keyspace.hpp"

namespace moss {

struct shard_state {
  std::shared_ptr<keyspace> ks;
  size_t index = 0;
  static inline const char* name = "moss.shard";
};

shard_actor::behavior_type shard_impl(shard_actor::stateful_pointer<shard_state> self,
                                      std::shared_ptr<keyspace> ks, size_t index);

} // namespace moss
