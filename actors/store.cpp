// The store actor's behavior: validate, then route.
#include "actors/store.hpp"

#include "core/validate.hpp"
#include "core/watch_registry.hpp"
#include "messages/errors.hpp"

namespace moss {

store_actor::behavior_type store_impl(store_actor::stateful_pointer<store_state> self,
                                      std::shared_ptr<keyspace> ks,
                                      std::vector<shard_actor> shards,
                                      coordinator_actor coordinator, watch_hub_actor hub,
                                      limits lim) {
  auto& st = self->state;
  st.ks = std::move(ks);
  st.shards = std::move(shards);
  st.coordinator = std::move(coordinator);
  st.hub = std::move(hub);
  st.lim = lim;
  // The store's exit stops the whole store.
  self->link_to(st.coordinator);
  for (auto& s : st.shards)
    self->link_to(s);
  self->link_to(st.hub);
  return {
    [self](get_atom, std::string& key) -> caf::result<lookup_result> {
      auto& st = self->state;
      if (auto v = validate_key(key, st.lim); !v)
        return to_error(v);
      auto& shard = st.shards[st.ks->shard_of(key)];
      return self->delegate(shard, get_atom_v, std::move(key));
    },
    [self](exists_atom, std::string& key) -> caf::result<bool> {
      auto& st = self->state;
      if (auto v = validate_key(key, st.lim); !v)
        return to_error(v);
      auto& shard = st.shards[st.ks->shard_of(key)];
      return self->delegate(shard, exists_atom_v, std::move(key));
    },
    [self](scan_atom, const scan_request& req) -> caf::result<scan_result> {
      if (auto v = validate_scan(req, self->state.lim); !v)
        return to_error(v);
      return self->state.ks->scan(req);
    },
    [self](txn_atom, txn_request& req) -> caf::result<txn_result> {
      if (auto v = validate_txn(req, self->state.lim); !v)
        return to_error(v);
      return self->delegate(self->state.coordinator, txn_atom_v, std::move(req));
    },
    [self](stats_atom) -> caf::result<store_stats> {
      // The coordinator's counters, then the hub's watcher count.
      auto rp = self->make_response_promise<store_stats>();
      self->request(self->state.coordinator, caf::infinite, stats_atom_v)
        .then(
          [self, rp](store_stats& s) mutable {
            self->request(self->state.hub, caf::infinite, stats_atom_v)
              .then(
                [rp, s](const watch_stats& w) mutable {
                  s.watchers = w.watchers;
                  rp.deliver(s);
                },
                [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [self](compact_atom) -> caf::result<revision> {
      return self->delegate(self->state.coordinator, compact_atom_v);
    },
    [self](watch_atom, watch_request& req,
           watch_subscriber& sub) -> caf::result<watch_created> {
      if (auto v = validate_watch(req, self->state.lim.max_key_size); !v)
        return to_error(v);
      return self->delegate(self->state.hub, watch_atom_v, std::move(req), std::move(sub));
    },
    [self](unwatch_atom, watch_id id) { self->send(self->state.hub, unwatch_atom_v, id); },
    [self](watch_ack_atom, watch_id id, uint64_t consumed) {
      self->send(self->state.hub, watch_ack_atom_v, id, consumed);
    },
  };
}

} // namespace moss
