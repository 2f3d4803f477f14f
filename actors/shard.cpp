// The shard actor's behavior.
#include "actors/shard.hpp"

#include "actors/local_only.hpp"

namespace moss {

shard_actor::behavior_type shard_impl(shard_actor::stateful_pointer<shard_state> self,
                                      std::shared_ptr<keyspace> ks, size_t index) {
  self->state.ks = std::move(ks);
  self->state.index = index;
  return {
    [self](apply_atom, const group_ptr& group) -> revision {
      // The last part applied: the whole group is visible, and it was in the
      // log before any of it was applied. Embedded callers first (their latency).
      if (self->state.ks->apply(self->state.index, *group))
        group->release_replies();
      return group->last_rev();
    },
    [self](get_atom, const std::string& key) -> caf::result<lookup_result> {
      if (from_afar(self))
        return refused_from_afar();
      return self->state.ks->lookup(key);
    },
    [self](exists_atom, const std::string& key) -> caf::result<bool> {
      if (from_afar(self))
        return refused_from_afar();
      return self->state.ks->get(key, false).has_value();
    },
  };
}

} // namespace moss
