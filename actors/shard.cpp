// The shard actor's behavior.
#include "actors/shard.hpp"

namespace moss {

shard_actor::behavior_type shard_impl(shard_actor::stateful_pointer<shard_state> self,
                                      std::shared_ptr<keyspace> ks, size_t index) {
  self->state.ks = std::move(ks);
  self->state.index = index;
  return {
    [self](apply_atom, const group_ptr& group) {
      if (!self->state.ks->apply(self->state.index, *group))
        return;
      // The whole group is visible now: answer embedded callers first (their
      // latency), then let the coordinator start the next group.
      if (!group->hold_replies)
        for (local_reply& r : group->replies)
          r.token->complete(std::move(r.result));
      auto coordinator = caf::actor_cast<coordinator_actor>(self->current_sender());
      self->send(coordinator, applied_atom_v, group->last_rev());
    },
    [self](get_atom, const std::string& key) -> lookup_result {
      return self->state.ks->lookup(key);
    },
    [self](exists_atom, const std::string& key) -> bool {
      return self->state.ks->get(key, false).has_value();
    },
  };
}

} // namespace moss
