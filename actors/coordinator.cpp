// The coordinator's behavior: grouping, evaluation, application, answers.
#include "actors/coordinator.hpp"

#include "core/txn_eval.hpp"
#include "messages/errors.hpp"

namespace moss {

namespace {

using self_ptr = coordinator_actor::stateful_pointer<coordinator_state>;

void answer(pending_commit& p, txn_outcome outcome) {
  if (p.token) {
    p.token->complete(std::move(outcome));
  } else if (p.promise.pending()) {
    if (outcome.ok())
      p.promise.deliver(std::move(*outcome));
    else
      p.promise.deliver(to_error(outcome.error()));
  }
}

void finish_close_if_idle(self_ptr self) {
  auto& st = self->state;
  if (!st.closing || st.group || !st.queue.empty())
    return;
  for (auto& token : st.close_waiters)
    token->complete(txn_result{});
  st.close_waiters.clear();
}

void start_group(self_ptr self);

// Step 4: every shard has applied the group (embedded callers are answered).
void group_applied(self_ptr self) {
  auto& st = self->state;
  group_ptr group = std::move(st.group);
  for (auto& p : st.applying)
    answer(p, std::move(p.result));
  st.applying.clear();
  for (auto& listener : st.listeners)
    self->send(listener, change_atom_v, group);
  ++st.counters.groups;
  start_group(self);
  finish_close_if_idle(self);
}

// Steps 2 and 3.
void start_group(self_ptr self) {
  auto& st = self->state;
  while (!st.group && !st.queue.empty()) {
    auto group = std::make_shared<write_group>();
    group->now = st.ks->clock().now_ns();
    group->capture_prev = st.capture_prev;
    commit_view view{*st.ks, group->ops, group->now};
    size_t n = std::min(st.queue.size(), coordinator_state::max_group_commits);
    for (size_t i = 0; i < n; ++i) {
      pending_commit p = std::move(st.queue.front());
      st.queue.pop_front();
      const revision next = st.rev + 1;
      const auto first = static_cast<uint32_t>(group->ops.size());
      p.result = evaluate_txn(p.req, next, *st.ks, view, group->ops);
      p.req = {};
      const auto count = static_cast<uint32_t>(group->ops.size()) - first;
      if (count > 0) {
        st.rev = next;
        group->commits.push_back({next, first, count});
        ++st.counters.commits;
      }
      if (!p.result.succeeded)
        ++st.counters.conflicts;
      p.result.rev = st.rev;
      if (p.token)
        group->replies.push_back({std::move(p.token), std::move(p.result)});
      else
        st.applying.push_back(std::move(p));
    }
    if (group->ops.empty()) {  // nothing to apply: reads and failed compares
      for (auto& r : group->replies)
        r.token->complete(std::move(r.result));
      for (auto& p : st.applying)
        answer(p, std::move(p.result));
      st.applying.clear();
      continue;
    }
    st.touched.assign(st.shards.size(), 0);
    for (const write_op& op : group->ops)
      group->shards_touched += st.touched[op.shard] == 0 ? (st.touched[op.shard] = 1) : 0;
    group->shards_pending.store(group->shards_touched);
    st.group = group;
    for (size_t i = 0; i < st.touched.size(); ++i)
      if (st.touched[i] != 0)
        self->send(st.shards[i], apply_atom_v, st.group);
  }
}

// Step 1.
void enqueue(self_ptr self, pending_commit p) {
  auto& st = self->state;
  if (st.closing) {
    answer(p, status{errc::closed, "the store is closing"});
    return;
  }
  st.queue.push_back(std::move(p));
  if (!st.group) {
    try {
      start_group(self);
    } catch (const std::exception& e) {  // e.g. bad_alloc: answer, never die
      // The group being built is dropped: its reply tokens answer errc::closed
      // as they go; actor callers get the error.
      status failure{errc::io_error, std::string{"commit failed: "} + e.what()};
      for (auto& q : st.applying)
        answer(q, failure);
      st.applying.clear();
    }
  }
}

} // namespace

coordinator_actor::behavior_type coordinator_impl(self_ptr self, std::shared_ptr<keyspace> ks,
                                                  std::vector<shard_actor> shards) {
  auto& st = self->state;
  st.ks = std::move(ks);
  st.shards = std::move(shards);
  st.counters.shards = st.shards.size();
  return {
    [self](commit_atom, local_commit& c) {
      pending_commit p;
      p.req = std::move(c.req);
      p.token = std::move(c.token);
      enqueue(self, std::move(p));
    },
    [self](applied_atom, revision) { group_applied(self); },
    [self](txn_atom, txn_request& req) -> caf::result<txn_result> {
      pending_commit p;
      p.req = std::move(req);
      p.promise = self->make_response_promise<txn_result>();
      auto promise = p.promise;
      enqueue(self, std::move(p));
      return promise;
    },
    [self](subscribe_atom, change_listener& listener, bool want_prev) {
      self->state.listeners.push_back(std::move(listener));
      self->state.capture_prev = self->state.capture_prev || want_prev;
    },
    [self](stats_atom) -> store_stats {
      store_stats out = self->state.counters;
      out.rev = self->state.rev;
      out.keys = self->state.ks->size();
      out.memory_bytes = self->state.ks->memory_usage();
      return out;
    },
    [self](close_atom, local_close& c) {
      self->state.closing = true;
      self->state.close_waiters.push_back(std::move(c.token));
      finish_close_if_idle(self);
    },
  };
}

} // namespace moss
