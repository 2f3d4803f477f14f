// The store front's behavior: validate, bound, then route.
#include "actors/store.hpp"

#include <algorithm>
#include <atomic>

#include <caf/mailbox_element.hpp>

#include <moss/messages/errors.hpp>

#include "core/completion.hpp"
#include "core/validate.hpp"
#include "core/watch_registry.hpp"

namespace moss {

namespace {

void fail(call_answer& a, const status& why) {
  a.code = why.code();
  a.message = why.message();
}

void answer_read(const keyspace& ks, const limits& lim, const call& c, call_answer& a) {
  if (auto v = validate_key(c.key, lim); !v)
    fail(a, v);
  else if (c.kind == call_kind::get)
    a.lookup = ks.lookup(c.key);
  else
    a.exists = ks.get(c.key, false).has_value();
}

// Answers the reads among calls [from, to).
void answer_reads(const keyspace& ks, const limits& lim, const call_batch& batch, size_t from, size_t to,
                  call_batch_answer& out) {
  for (size_t i = from; i < to; ++i)
    if (batch.calls[i].kind != call_kind::txn)
      answer_read(ks, lim, batch.calls[i], out.answers[i]);
}

size_t txn_bytes(const txn_request& t) {
  size_t n = 0;
  for (const compare& c : t.compares)
    n += c.key.size() + c.value.size();
  for (const auto* branch : {&t.success, &t.failure})
    for (const txn_op& op : *branch)
      n += op.key.size() + op.value.size();
  return n;
}

// A request over the byte bound is refused whole.
status check_bytes(const store_front& f, std::string_view what, size_t bytes) {
  if (bytes <= f.peer.max_request_bytes)
    return status::ok();
  return {errc::invalid_argument, std::string{what} + " of " + std::to_string(bytes)
                                    + " bytes exceeds the limit of "
                                    + std::to_string(f.peer.max_request_bytes)};
}

// The bounds of a call batch as a whole: its calls and their bytes.
status check_batch(const store_front& f, const call_batch& batch) {
  if (batch.calls.size() > f.peer.max_batch_calls)
    return {errc::invalid_argument, "a call batch of " + std::to_string(batch.calls.size())
                                      + " calls exceeds the limit of "
                                      + std::to_string(f.peer.max_batch_calls)};
  size_t bytes = 0;
  for (const call& c : batch.calls)
    bytes += c.key.size() + (c.kind == call_kind::txn ? txn_bytes(c.txn) : 0);
  return check_bytes(f, "a call batch", bytes);
}

// A session may have peer.max_in_flight relayed calls unanswered.
status admit(store_ptr self) {
  auto& st = self->state;
  if (st.bounded && st.in_flight->load(std::memory_order_relaxed) >= st.front.peer.max_in_flight)
    return {errc::busy, std::to_string(st.in_flight->load()) + " calls of this peer are in flight (limit "
                          + std::to_string(st.front.peer.max_in_flight) + "); retry later"};
  st.in_flight->fetch_add(1, std::memory_order_relaxed);
  return status::ok();
}

// A call batch with transactions in it, from the moment they go to the
// coordinator until the last one is visible: that one's completion (on the
// thread that made it visible) answers the reads after the first
// transaction and sends the answer to the caller, as the store front.
struct batch_in_commit {
  call_batch batch;
  call_batch_answer out;
  size_t first_txn = 0;
  std::atomic<size_t> txns_left{0};
  std::shared_ptr<keyspace> ks;
  limits lim;
  std::shared_ptr<std::atomic<size_t>> in_flight;
  caf::strong_actor_ptr front;     ///< the answer's sender
  caf::strong_actor_ptr reply_to;  ///< the caller
  caf::message_id mid;             ///< the caller's request

  void finish() {
    answer_reads(*ks, lim, batch, first_txn, batch.calls.size(), out);
    in_flight->fetch_sub(1, std::memory_order_relaxed);
    if (reply_to)
      reply_to->enqueue(caf::make_mailbox_element(std::move(front), mid.response_id(), {}, std::move(out)), nullptr);
  }
};

// One transaction of a batch_in_commit.
class batch_txn_done final : public completion {
public:
  batch_txn_done(std::shared_ptr<batch_in_commit> b, size_t i) : b_(std::move(b)), i_(i) {}
  void complete(txn_outcome outcome) override {
    if (outcome)
      b_->out.answers[i_].txn = std::move(*outcome);
    else
      fail(b_->out.answers[i_], outcome.error());
    if (b_->txns_left.fetch_sub(1, std::memory_order_acq_rel) == 1)
      b_->finish();
  }

private:
  std::shared_ptr<batch_in_commit> b_;
  size_t i_;
};

// A call batch: reads are answered from the keyspace here, transactions go
// to the coordinator through the commit intake (all at once, so they share a
// commit group, and in order, after this caller's earlier batches). Reads
// that follow the first transaction in the batch wait for the batch's
// transactions, so a caller's async write and its later read keep their order.
caf::result<call_batch_answer> answer_calls(store_ptr self, call_batch& batch) {
  auto& f = self->state.front;
  if (auto v = check_batch(f, batch); !v)
    return to_error(v);
  call_batch_answer out;
  out.answers.resize(batch.calls.size());
  auto is_txn = [](const call& c) { return c.kind == call_kind::txn; };
  const size_t first_txn = static_cast<size_t>(std::find_if(batch.calls.begin(), batch.calls.end(), is_txn)
                                               - batch.calls.begin());
  answer_reads(*f.ks, f.lim, batch, 0, first_txn, out);
  size_t txns = 0;
  for (size_t i = first_txn; i < batch.calls.size(); ++i) {
    if (!is_txn(batch.calls[i]))
      continue;
    if (auto v = validate_txn(batch.calls[i].txn, f.lim); !v)
      fail(out.answers[i], v);
    else
      ++txns;
  }
  if (txns == 0) {  // reads only (or refused txns): answered here, nothing shared
    answer_reads(*f.ks, f.lim, batch, first_txn, batch.calls.size(), out);
    return out;
  }
  // The answer goes straight to the sender (finish()), so a request routed
  // through forwarding stages (CAF's actor composition) cannot be served.
  if (!self->current_mailbox_element()->stages.empty())
    return to_error(status{errc::invalid_argument, "a call batch with transactions must be sent, not forwarded"});
  if (auto v = admit(self); !v)
    return to_error(v);
  auto b = std::make_shared<batch_in_commit>();
  b->out = std::move(out);
  b->first_txn = first_txn;
  b->batch = std::move(batch);
  b->txns_left = txns;
  b->ks = f.ks;
  b->lim = f.lim;
  b->in_flight = self->state.in_flight;
  b->front = caf::strong_actor_ptr{self->ctrl()};
  b->reply_to = self->current_sender();
  b->mid = self->current_message_id();
  // Each push may complete its commit at once (a closed intake drops it,
  // answering errc::closed), so b is only read here for what no completion
  // changes: the calls' kinds and the validation failures set above.
  bool ring = false;
  for (size_t i = first_txn; i < b->batch.calls.size(); ++i) {
    call& c = b->batch.calls[i];
    if (!is_txn(c) || b->out.answers[i].code != errc::ok)
      continue;
    ring |= f.intake->push(local_commit{std::move(c.txn), std::make_shared<reply_token>(
                                                            std::make_shared<batch_txn_done>(b, i))});
  }
  // Sent from this actor, not anonymously: the coordinator then runs next on
  // this worker thread instead of waking another.
  if (ring)
    self->send(f.coordinator, commit_atom_v);
  return caf::delegated<call_batch_answer>{};
}

// Asks an internal actor and answers the original request with its reply,
// through this actor's own response promise.
template <class T, class Handle, class... Ts>
caf::result<T> relay(store_ptr self, const Handle& to, Ts&&... xs) {
  if (auto v = admit(self); !v)
    return to_error(v);
  auto rp = self->make_response_promise<T>();
  self->request(to, caf::infinite, std::forward<Ts>(xs)...)
    .then(
      [self, rp](T& x) mutable {
        self->state.in_flight->fetch_sub(1, std::memory_order_relaxed);
        rp.deliver(std::move(x));
      },
      [self, rp](caf::error& err) mutable {
        self->state.in_flight->fetch_sub(1, std::memory_order_relaxed);
        rp.deliver(std::move(err));
      });
  return rp;
}

} // namespace

store_actor::behavior_type store_front_behavior(store_ptr self) {
  return {
    // Every request is answered by this actor itself, never delegated: the
    // sender of each reply a peer sees is this actor, so no handle of an
    // internal actor ever reaches another node.
    [self](get_atom, std::string& key) -> caf::result<lookup_result> {
      auto& f = self->state.front;
      if (auto v = validate_key(key, f.lim); !v)
        return to_error(v);
      return f.ks->lookup(key);
    },
    [self](exists_atom, std::string& key) -> caf::result<bool> {
      auto& f = self->state.front;
      if (auto v = validate_key(key, f.lim); !v)
        return to_error(v);
      return f.ks->get(key, false).has_value();
    },
    [self](scan_atom, scan_request& req) -> caf::result<scan_result> {
      auto& f = self->state.front;
      if (auto v = validate_scan(req, f.lim); !v)
        return to_error(v);
      // One answer holds at most max_scan_results entries; `more` tells the
      // caller to go on after the last key (the facade pages by itself).
      if (req.limit == 0 || req.limit > f.peer.max_scan_results)
        req.limit = f.peer.max_scan_results;
      return f.ks->scan(req);
    },
    [self](txn_atom, txn_request& req) -> caf::result<txn_result> {
      auto& f = self->state.front;
      if (auto v = validate_txn(req, f.lim); !v)
        return to_error(v);
      if (auto v = check_bytes(f, "a transaction", txn_bytes(req)); !v)
        return to_error(v);
      return relay<txn_result>(self, f.coordinator, txn_atom_v, std::move(req));
    },
    [self](stats_atom) -> caf::result<store_stats> {
      // The coordinator's counters, then the hub's watcher count.
      auto rp = self->make_response_promise<store_stats>();
      self->request(self->state.front.coordinator, caf::infinite, stats_atom_v)
        .then(
          [self, rp](store_stats& s) mutable {
            self->request(self->state.front.hub, caf::infinite, stats_atom_v)
              .then(
                [rp, s](const watch_stats& w) mutable {
                  s.watchers = w.watchers;
                  s.history_bytes = w.history_bytes;
                  s.history_oldest_rev = w.oldest_rev;
                  s.incarnation = w.incarnation;
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
      return relay<revision>(self, self->state.front.coordinator, compact_atom_v);
    },
    [self](watch_atom, watch_request& req,
           watch_subscriber& sub) -> caf::result<watch_created> {
      auto& f = self->state.front;
      if (auto v = validate_watch(req, f.lim.max_key_size); !v)
        return to_error(v);
      return relay<watch_created>(self, f.hub, watch_atom_v, std::move(req), std::move(sub));
    },
    // Only the watch's own subscriber may end it or ack for it: the hub
    // compares the sender passed on here with the subscriber it holds.
    [self](unwatch_atom, watch_id id) {
      self->send(self->state.front.hub, unwatch_atom_v, id,
                 caf::actor_cast<caf::actor_addr>(self->current_sender()));
    },
    [self](watch_ack_atom, watch_id id, uint64_t consumed) {
      self->send(self->state.front.hub, watch_ack_atom_v, id, consumed,
                 caf::actor_cast<caf::actor_addr>(self->current_sender()));
    },
  };
}

store_actor::behavior_type store_impl(store_ptr self, store_front front,
                                      std::vector<shard_actor> shards) {
  auto& st = self->state;
  st.front = std::move(front);
  // The store's exit stops the whole store.
  self->link_to(st.front.coordinator);
  for (auto& s : shards)
    self->link_to(s);
  self->link_to(st.front.hub);
  return store_front_behavior(self);
}

} // namespace moss
