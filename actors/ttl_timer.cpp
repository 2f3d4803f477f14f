// The TTL timer's behavior.
#include "actors/ttl_timer.hpp"

#include "actors/local_only.hpp"

#include <algorithm>

#include <moss/messages/errors.hpp>

namespace moss {

namespace {

using self_ptr = ttl_timer_actor::stateful_pointer<ttl_state>;

// Arms one timer for the earliest deadline (unless one is armed for earlier).
void arm(self_ptr self) {
  auto& st = self->state;
  st.published->store(st.index.size(), std::memory_order_relaxed);
  int64_t next = st.index.earliest();
  if (next == 0 || (st.armed != 0 && st.armed <= next))
    return;
  st.armed = next;
  // A deadline may lie centuries ahead (a TTL near INT64_MAX saturates):
  // wake at least hourly, so the timer's own arithmetic never overflows.
  constexpr int64_t max_wait = int64_t{3600} * 1'000'000'000;
  int64_t wait = std::clamp<int64_t>(next - st.ks->clock().now_ns(), 0, max_wait);
  self->delayed_send(self, std::chrono::nanoseconds(wait), tick_atom_v, ++st.generation);
}

// Commits the expiry of every key that is due, as conditional deletes.
void fire(self_ptr self) {
  auto& st = self->state;
  auto due = st.index.take_due(st.ks->clock().now_ns(), ttl_state::max_batch);
  if (!due.empty()) {
    txn_request req;
    req.success.reserve(due.size());
    for (auto& [key, deadline] : due)
      req.success.push_back(txn_op::expire_if(std::move(key), deadline));
    self->request(st.coordinator, caf::infinite, txn_atom_v, std::move(req))
      .then([](const txn_result&) {}, [](const caf::error&) {});  // store closing: nothing to do
  }
  if (due.size() == ttl_state::max_batch) {  // more are due right now
    st.armed = 0;
    self->send(self, tick_atom_v, ++st.generation);
    return;
  }
  arm(self);
}

} // namespace

ttl_timer_actor::behavior_type ttl_impl(self_ptr self, std::shared_ptr<keyspace> ks,
                                        coordinator_actor coordinator,
                                        std::shared_ptr<initial_deadlines> initial,
                                        std::shared_ptr<std::atomic<size_t>> published) {
  auto& st = self->state;
  st.published = std::move(published);
  st.ks = std::move(ks);
  st.coordinator = std::move(coordinator);
  for (auto& [key, deadline] : *initial)
    st.index.set(key, deadline);
  initial->clear();
  arm(self);
  return {
    [self](change_atom, const group_ptr& g) {
      auto& st = self->state;
      for (const write_op& op : g->ops) {
        if (op.kind == change_kind::put && op.meta.expiry != 0)
          st.index.set(op.key, op.meta.expiry);
        else
          st.index.erase(op.key);  // a plain put clears a deadline; deletes drop it
      }
      arm(self);
    },
    [self](tick_atom, uint64_t generation) {
      if (from_afar(self))
        return;
      if (generation != self->state.generation)
        return;  // a newer timer replaced this one
      self->state.armed = 0;
      fire(self);
    },
  };
}

} // namespace moss
