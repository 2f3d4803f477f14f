// The store actor's behavior: validate, then route.
#include "actors/store.hpp"

#include <algorithm>

#include "core/validate.hpp"
#include "core/watch_registry.hpp"
#include "messages/errors.hpp"

namespace moss {

namespace {

using store_ptr = store_actor::stateful_pointer<store_state>;

void fail(call_answer& a, const status& why) {
  a.code = why.code();
  a.message = why.message();
}

void answer_read(const store_state& st, const call& c, call_answer& a) {
  if (auto v = validate_key(c.key, st.lim); !v)
    fail(a, v);
  else if (c.kind == call_kind::get)
    a.lookup = st.ks->lookup(c.key);
  else
    a.exists = st.ks->get(c.key, false).has_value();
}

// Answers the reads among calls [from, to).
void answer_reads(const store_state& st, const call_batch& batch, size_t from, size_t to,
                  call_batch_answer& out) {
  for (size_t i = from; i < to; ++i)
    if (batch.calls[i].kind != call_kind::txn)
      answer_read(st, batch.calls[i], out.answers[i]);
}

// A call batch: reads are answered from the keyspace here, transactions go
// to the coordinator (all at once, so they share a commit group). Reads that
// follow the first transaction in the batch wait for the batch's
// transactions, so a caller's async write and its later read keep their order.
caf::result<call_batch_answer> answer_calls(store_ptr self, call_batch& batch) {
  auto& st = self->state;
  auto out = std::make_shared<call_batch_answer>();
  out->answers.resize(batch.calls.size());
  auto is_txn = [](const call& c) { return c.kind == call_kind::txn; };
  size_t first_txn = static_cast<size_t>(std::find_if(batch.calls.begin(), batch.calls.end(), is_txn)
                                         - batch.calls.begin());
  answer_reads(st, batch, 0, first_txn, *out);
  auto txns_left = std::make_shared<size_t>(0);
  for (size_t i = first_txn; i < batch.calls.size(); ++i) {
    if (!is_txn(batch.calls[i]))
      continue;
    if (auto v = validate_txn(batch.calls[i].txn, st.lim); !v)
      fail(out->answers[i], v);
    else
      ++*txns_left;
  }
  if (*txns_left == 0) {
    answer_reads(st, batch, first_txn, batch.calls.size(), *out);
    return std::move(*out);
  }
  auto rp = self->make_response_promise<call_batch_answer>();
  auto calls = std::make_shared<call_batch>(std::move(batch));
  auto finish_one = [self, out, calls, txns_left, first_txn, rp]() mutable {
    if (--*txns_left != 0)
      return;
    answer_reads(self->state, *calls, first_txn, calls->calls.size(), *out);
    rp.deliver(std::move(*out));
  };
  for (size_t i = first_txn; i < calls->calls.size(); ++i) {
    call& c = calls->calls[i];
    if (!is_txn(c) || out->answers[i].code != errc::ok)
      continue;
    self->request(st.coordinator, caf::infinite, txn_atom_v, std::move(c.txn))
      .then(
        [out, i, finish_one](txn_result& r) mutable {
          out->answers[i].txn = std::move(r);
          finish_one();
        },
        [out, i, finish_one](caf::error& err) mutable {
          fail(out->answers[i], to_status(err));
          finish_one();
        });
  }
  return rp;
}

// Asks an internal actor and answers the original request with its reply,
// through this actor's own response promise.
template <class T, class Handle, class... Ts>
caf::result<T> relay(store_ptr self, const Handle& to, Ts&&... xs) {
  auto rp = self->make_response_promise<T>();
  self->request(to, caf::infinite, std::forward<Ts>(xs)...)
    .then([rp](T& x) mutable { rp.deliver(std::move(x)); },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

} // namespace

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
    // Every request is answered by this actor itself, never delegated: the
    // sender of each reply a peer sees is the published actor, so no handle
    // of an internal actor ever reaches another node.
    [self](get_atom, std::string& key) -> caf::result<lookup_result> {
      auto& st = self->state;
      if (auto v = validate_key(key, st.lim); !v)
        return to_error(v);
      return st.ks->lookup(key);
    },
    [self](exists_atom, std::string& key) -> caf::result<bool> {
      auto& st = self->state;
      if (auto v = validate_key(key, st.lim); !v)
        return to_error(v);
      return st.ks->get(key, false).has_value();
    },
    [self](scan_atom, const scan_request& req) -> caf::result<scan_result> {
      if (auto v = validate_scan(req, self->state.lim); !v)
        return to_error(v);
      return self->state.ks->scan(req);
    },
    [self](txn_atom, txn_request& req) -> caf::result<txn_result> {
      if (auto v = validate_txn(req, self->state.lim); !v)
        return to_error(v);
      return relay<txn_result>(self, self->state.coordinator, txn_atom_v, std::move(req));
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
    [self](call_atom, call_batch& batch) -> caf::result<call_batch_answer> {
      return answer_calls(self, batch);
    },
    [self](compact_atom) -> caf::result<revision> {
      return relay<revision>(self, self->state.coordinator, compact_atom_v);
    },
    [self](watch_atom, watch_request& req,
           watch_subscriber& sub) -> caf::result<watch_created> {
      if (auto v = validate_watch(req, self->state.lim.max_key_size); !v)
        return to_error(v);
      return relay<watch_created>(self, self->state.hub, watch_atom_v, std::move(req), std::move(sub));
    },
    [self](unwatch_atom, watch_id id) { self->send(self->state.hub, unwatch_atom_v, id); },
    [self](watch_ack_atom, watch_id id, uint64_t consumed) {
      self->send(self->state.hub, watch_ack_atom_v, id, consumed);
    },
  };
}

} // namespace moss
