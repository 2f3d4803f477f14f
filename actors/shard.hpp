// The shard actor. Owns: shard `index` of the keyspace, whose engine it alone
// writes. Receives: apply (from the coordinator, once the group is in the
// log), get and exists (from the store). Sends: only answers; the shard that
// applies a group's last part first releases the group's embedded callers
// (write_group::release_replies), then answers `apply`.
#pragma once

#include <memory>

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
