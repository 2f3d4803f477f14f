// The coordinator's behavior: grouping, evaluation, application, durability,
// answers, compaction.
#include "actors/coordinator.hpp"

#include "actors/snapshot_child.hpp"
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

void answer_all(std::vector<reply_token_ptr>& tokens, const txn_outcome& outcome) {
  for (auto& t : tokens)
    t->complete(outcome);
  tokens.clear();
}

// Answers everyone waiting for a compaction: the snapshot's revision or why not.
void answer_compaction(std::vector<compact_waiter>& waiters, const result<revision>& outcome) {
  for (auto& w : waiters) {
    if (w.token)
      w.token->complete(outcome ? txn_outcome{txn_result{true, *outcome, {}}} : txn_outcome{outcome.error()});
    else if (w.promise.pending())
      outcome ? w.promise.deliver(*outcome) : w.promise.deliver(to_error(outcome.error()));
  }
  waiters.clear();
}

bool idle(const coordinator_state& st) {
  return !st.group && st.queue.empty() && st.awaiting.empty() && st.to_log.empty()
         && st.logs_in_flight == 0;
}

// How soon the applied groups must go to the WAL.
enum class log_urgency {
  soon,    ///< under `always` now, else at the next tick (1 ms): a burst of
           ///< commits costs one wake-up of the WAL thread
  now,     ///< the tick is here
  forced,  ///< close or compaction: even with a batch in flight
};

// Hands the applied groups to the WAL, one batch in flight at a time (`durable`
// brings us back), so a batch holds everything applied while the last one
// was written and fsynced.
void hand_to_log(self_ptr self, log_urgency urgency) {
  auto& st = self->state;
  if (st.to_log.empty())
    return;
  if (st.logs_in_flight > 0 && urgency != log_urgency::forced)
    return;
  if (urgency == log_urgency::soon && st.policy != fsync_policy::always) {
    if (!st.log_timer) {
      st.log_timer = true;
      self->delayed_send(self, std::chrono::milliseconds(1), tick_atom_v);
    }
    return;
  }
  ++st.logs_in_flight;
  self->send(st.wal, append_atom_v, log_batch{std::exchange(st.to_log, {})});
}

// Close: once every accepted commit is applied (and durable), flush the log.
void finish_close_if_idle(self_ptr self) {
  auto& st = self->state;
  if (!st.closing || st.close_waiters.empty())
    return;
  if (!st.group && st.queue.empty())
    hand_to_log(self, log_urgency::forced);  // no waiting for the tick at close
  if (!idle(st))
    return;
  auto waiters = std::move(st.close_waiters);
  st.close_waiters.clear();
  if (!st.wal) {
    answer_all(waiters, txn_result{});
    return;
  }
  self->request(st.wal, caf::infinite, flush_atom_v)
    .then([waiters](bool ok) mutable {
            answer_all(waiters, ok ? txn_outcome{txn_result{}}
                                   : txn_outcome{status{errc::write_failed, "the log could not be flushed"}});
          },
          [waiters](caf::error& err) mutable { answer_all(waiters, to_status(err)); });
}

// Forks the snapshot writer at the current revision (between groups only).
void start_compaction(self_ptr self) {
  auto& st = self->state;
  if (!st.compaction_wanted || st.compacting || st.group)
    return;
  st.compaction_wanted = false;
  if (!st.wal || !st.failed.is_ok()) {
    status why = st.wal ? st.failed : status{errc::invalid_argument, "an in-memory store has no log to compact"};
    answer_compaction(st.compact_waiters, why);
    return;
  }
  hand_to_log(self, log_urgency::forced);  // records up to st.rev go before the rotation
  auto pid = fork_snapshot_writer(*st.ks, *st.fs, st.dir, st.rev);
  if (!pid) {
    answer_compaction(st.compact_waiters, pid.error());
    return;
  }
  st.compacting = true;
  st.compact_running = std::move(st.compact_waiters);
  st.compact_waiters.clear();
  self->send(st.wal, rotate_atom_v, st.rev, static_cast<int32_t>(*pid));
}

void start_group(self_ptr self);

// Step 4: every shard has applied the group.
void group_applied(self_ptr self) {
  auto& st = self->state;
  group_ptr group = std::move(st.group);
  if (st.wal)
    st.to_log.push_back(group);
  bool sets_deadline = false;
  for (const write_op& op : group->ops) {
    st.counters.expired += op.kind == change_kind::expire ? 1 : 0;
    sets_deadline = sets_deadline || (op.kind == change_kind::put && op.meta.expiry != 0);
  }
  if (group->hold_replies) {
    st.awaiting.push_back({group, std::move(st.applying)});
  } else {
    for (auto& p : st.applying)
      answer(p, std::move(p.result));
  }
  st.applying.clear();
  bool deadlines_matter = sets_deadline || !st.ttl_deadlines || st.ttl_deadlines->load() > 0;
  for (auto& [listener, deadlines_only] : st.listeners)
    if (!deadlines_only || deadlines_matter)
      self->send(listener, change_atom_v, group);
  ++st.counters.groups;
  start_compaction(self);
  hand_to_log(self, log_urgency::soon);
  start_group(self);
  finish_close_if_idle(self);
}

// Steps 2 and 3.
void start_group(self_ptr self) {
  auto& st = self->state;
  while (!st.group && !st.queue.empty()) {
    if (!st.failed.is_ok()) {  // the log failed: no more writes
      for (auto& p : st.queue)
        answer(p, st.failed);
      st.queue.clear();
      return;
    }
    auto group = std::make_shared<write_group>();
    group->now = st.ks->clock().now_ns();
    group->capture_prev = st.capture_prev;
    group->hold_replies = st.wal && st.policy == fsync_policy::always;
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
  if (!st.failed.is_ok()) {
    answer(p, st.failed);
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

// The WAL wrote (under `always`: and fsynced) a batch ending at `rev`; it
// answered that batch's embedded callers, and actor callers are answered here.
void batch_logged(self_ptr self, revision rev) {
  auto& st = self->state;
  if (st.logs_in_flight > 0)
    --st.logs_in_flight;
  while (!st.awaiting.empty() && st.awaiting.front().group->last_rev() <= rev) {
    for (auto& p : st.awaiting.front().commits)
      answer(p, std::move(p.result));
    st.awaiting.pop_front();
  }
  start_compaction(self);
  hand_to_log(self, log_urgency::soon);
  finish_close_if_idle(self);
}

void log_failed(self_ptr self, const std::string& why) {
  auto& st = self->state;
  if (st.failed.is_ok())
    st.failed = status{errc::write_failed,
                       "the log failed (" + why + "); the store refuses writes, reads go on"};
  // Nothing after the failure is durable: answer everyone still waiting.
  for (auto& g : st.awaiting) {
    for (auto& r : g.group->replies)
      r.token->complete(st.failed);
    for (auto& p : g.commits)
      answer(p, st.failed);
  }
  st.awaiting.clear();
  st.to_log.clear();
  st.logs_in_flight = 0;
  finish_close_if_idle(self);
}

} // namespace

coordinator_actor::behavior_type coordinator_impl(self_ptr self, coordinator_config config) {
  auto& st = self->state;
  st.ks = std::move(config.ks);
  st.shards = std::move(config.shards);
  st.rev = config.rev;
  st.wal = std::move(config.wal);
  st.wal_stats = std::move(config.wal_stats);
  st.policy = config.policy;
  st.fs = config.fs;
  st.dir = std::move(config.dir);
  st.ttl_deadlines = std::move(config.ttl_deadlines);
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
    [self](subscribe_atom, change_listener& listener, bool want_prev, bool deadlines_only) {
      self->state.listeners.emplace_back(std::move(listener), deadlines_only);
      self->state.capture_prev = self->state.capture_prev || want_prev;
    },
    [self](stats_atom) -> store_stats {
      auto& st = self->state;
      store_stats out = st.counters;
      out.rev = st.rev;
      out.keys = st.ks->size();
      out.memory_bytes = st.ks->memory_usage();
      if (st.wal_stats) {
        out.log_bytes = st.wal_stats->log_bytes.load(std::memory_order_relaxed);
        out.snapshot_rev = st.wal_stats->snapshot_rev.load(std::memory_order_relaxed);
        out.fsyncs = st.wal_stats->fsyncs.load(std::memory_order_relaxed);
        out.compactions = st.wal_stats->compactions.load(std::memory_order_relaxed);
        out.torn_tails = st.wal_stats->torn_tails.load(std::memory_order_relaxed);
        out.expired_at_open = st.wal_stats->expired_at_open.load(std::memory_order_relaxed);
      }
      return out;
    },
    [self](close_atom, local_ack& c) {
      self->state.closing = true;
      self->state.close_waiters.push_back(std::move(c.token));
      finish_close_if_idle(self);
    },
    [self](durable_atom, revision rev) { batch_logged(self, rev); },
    [self](tick_atom) {
      self->state.log_timer = false;
      hand_to_log(self, log_urgency::now);
    },
    [self](wal_fail_atom, const std::string& why) { log_failed(self, why); },
    [self](compact_atom) -> caf::result<revision> {
      auto rp = self->make_response_promise<revision>();
      self->state.compact_waiters.push_back({nullptr, rp});
      self->state.compaction_wanted = true;
      start_compaction(self);
      return rp;
    },
    [self](compact_atom, local_ack& c) {
      self->state.compact_waiters.push_back({std::move(c.token), {}});
      self->state.compaction_wanted = true;
      start_compaction(self);
    },
    [self](compacted_atom, revision rev, bool ok, const std::string& why) {
      auto& st = self->state;
      st.compacting = false;
      answer_compaction(st.compact_running,
                        ok ? result<revision>{rev}
                           : result<revision>{status{errc::io_error, "compaction failed: " + why}});
      start_compaction(self);  // one more was asked for meanwhile
    },
  };
}

} // namespace moss
