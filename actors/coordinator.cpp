// The coordinator's behavior: the commit path (steps 1-4 in the header),
// compaction, and close.
#include "actors/coordinator.hpp"

#include <algorithm>

#include <moss/messages/errors.hpp>

#include "actors/local_only.hpp"
#include "core/txn_eval.hpp"

namespace moss {

namespace {

using self_ptr = coordinator_actor::stateful_pointer<coordinator_state>;

void answer(pending_commit& p, txn_outcome outcome) {
  if (p.token) {
    p.token->complete(std::move(outcome));
  } else if (p.promise.pending()) {
    if (outcome.is_ok())
      p.promise.deliver(std::move(*outcome));
    else
      p.promise.deliver(to_error(outcome.error()));
  }
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

void start_group(self_ptr self);
void start_compaction(self_ptr self);
void start_install(self_ptr self);

// -- close -----------------------------------------------------------------------

// Once every accepted commit is released and no compaction runs, sync the log
// and answer the close.
void finish_close_if_idle(self_ptr self) {
  auto& st = self->state;
  if (!st.closing || st.close_waiters.empty() || st.in_flight || !st.queue.empty()
      || st.compaction.running || st.installing || !st.replicated_queue.empty())
    return;
  answer_compaction(st.compaction.waiting, status{errc::closed, "the store is closing"});
  auto waiters = std::exchange(st.close_waiters, {});
  auto answer_all = [](std::vector<reply_token_ptr>& tokens, const txn_outcome& outcome) {
    for (auto& t : tokens)
      t->complete(outcome);
  };
  if (!st.cfg.wal) {
    answer_all(waiters, txn_result{});
    return;
  }
  self->request(st.cfg.wal, caf::infinite, flush_atom_v)
    .then(
      [waiters, answer_all](bool ok) mutable {
        answer_all(waiters, ok ? txn_outcome{txn_result{}}
                               : txn_outcome{status{errc::write_failed, "the log could not be synced"}});
      },
      [waiters, answer_all](caf::error& err) mutable { answer_all(waiters, to_status(err)); });
}

// -- the commit path -------------------------------------------------------------

// The group in flight is released (step 4's end): actor callers, listeners,
// then whatever waits for a quiet moment (a compaction, the next group, close).
void group_applied(self_ptr self) {
  auto& st = self->state;
  group_ptr group = std::exchange(st.in_flight, nullptr);
  for (auto& p : st.promised)
    answer(p, std::move(p.result));
  st.promised.clear();
  if (st.replicated_promise.pending())
    st.replicated_promise.deliver(group->last_rev());
  st.replicated_promise = {};
  bool sets_deadline = false;
  for (const write_op& op : group->ops) {
    st.counters.expired += op.kind == change_kind::expire ? 1 : 0;
    sets_deadline = sets_deadline || (op.kind == change_kind::put && op.meta.expiry != 0);
  }
  const bool deadlines_matter = sets_deadline || !st.cfg.ttl_deadlines
                                || st.cfg.ttl_deadlines->load(std::memory_order_relaxed) > 0;
  for (const subscription& sub : st.listeners)
    if (!sub.deadlines_only || deadlines_matter)
      self->send(sub.listener, change_atom_v, group);
  ++st.counters.groups;
  start_install(self);
  start_compaction(self);
  start_group(self);
  finish_close_if_idle(self);
}

// The log could not take the group in flight: nobody sees it, everyone
// waiting hears why, and no write is accepted again.
void group_failed(self_ptr self, status why) {
  auto& st = self->state;
  if (st.failed.is_ok())
    st.failed = why.code() == errc::write_failed
                  ? why
                  : status{errc::write_failed, "the log failed (" + why.to_string()
                                                 + "); the store refuses writes, reads go on"};
  group_ptr group = std::exchange(st.in_flight, nullptr);
  group->fail_replies(st.failed);
  for (auto& p : st.promised)
    answer(p, st.failed);
  st.promised.clear();
  if (st.replicated_promise.pending())
    st.replicated_promise.deliver(to_error(st.failed));
  st.replicated_promise = {};
  start_install(self);
  start_group(self);  // answers the queue with the failure
  finish_close_if_idle(self);
}

// Step 4: every shard the group touches applies its part.
void apply_group(self_ptr self) {
  auto& st = self->state;
  st.shards_left = st.in_flight->shards_touched;
  for (size_t i = 0; i < st.touched.size(); ++i) {
    if (st.touched[i] == 0)
      continue;
    self->request(st.cfg.shards[i], caf::infinite, apply_atom_v, st.in_flight)
      .then(
        [self](revision) {
          if (--self->state.shards_left == 0)
            group_applied(self);
        },
        [self](caf::error&) {
          // A shard is gone (the store is being killed): what it had not
          // applied never will be; answer instead of hanging.
          auto& st = self->state;
          if (st.in_flight && --st.shards_left == 0)
            group_failed(self, status{errc::closed, "the store stopped"});
        });
  }
}

// The log after the base snapshot is due for a compaction (as the WAL counts it).
bool log_outgrew_snapshot(const coordinator_state& st) {
  const auto log = st.cfg.wal_stats->log_bytes.load(std::memory_order_relaxed);
  const auto snap = st.cfg.wal_stats->snapshot_bytes.load(std::memory_order_relaxed);
  return log >= st.cfg.compact_min_bytes
         && static_cast<double>(log) >= st.cfg.compact_ratio * static_cast<double>(snap);
}

// Step 3: the WAL writes the group (and syncs it under `always`). A group
// for one shard goes on from the log to that shard, and the answer says it
// is applied as well; the others are fanned out here.
void log_group(self_ptr self) {
  auto& st = self->state;
  if (!st.cfg.wal) {
    apply_group(self);
    return;
  }
  self->request(st.cfg.wal, caf::infinite, append_atom_v, st.in_flight)
    .then(
      [self](revision) {
        auto& st = self->state;
        st.compaction.wanted = st.compaction.wanted || log_outgrew_snapshot(st);
        if (st.in_flight->shards_touched == 1)
          group_applied(self);
        else
          apply_group(self);
      },
      [self](caf::error& err) { group_failed(self, to_status(err)); });
}

// A replica: the next group its primary decided goes to the log and the
// shards as it is, with the primary's revisions.
void start_replicated(self_ptr self) {
  auto& st = self->state;
  auto r = std::move(st.replicated_queue.front());
  st.replicated_queue.pop_front();
  write_group& g = *r.group;
  if (g.commits.empty() || g.commits.front().rev != st.rev + 1) {
    status why{errc::invalid_argument, "a replicated group must start at revision " + std::to_string(st.rev + 1)};
    if (r.promise.pending())
      r.promise.deliver(to_error(why));
    return;
  }
  g.capture_prev = st.capture_prev;
  st.touched.assign(st.cfg.shards.size(), 0);
  g.shards_touched = 0;
  for (const write_op& op : g.ops)
    g.shards_touched += st.touched[op.shard] == 0 ? (st.touched[op.shard] = 1) : 0;
  g.shards_pending.store(g.shards_touched);
  st.rev = g.last_rev();
  st.counters.commits += g.commits.size();
  st.replicated_promise = std::move(r.promise);
  st.in_flight = std::move(r.group);
  log_group(self);
}

// Steps 1-2: builds the next group from the queue (on a replica, the
// replicated groups first).
void start_group(self_ptr self) {
  auto& st = self->state;
  while (!st.in_flight && !st.installing && (!st.queue.empty() || !st.replicated_queue.empty())) {
    if (!st.failed.is_ok()) {
      for (auto& p : st.queue)
        answer(p, st.failed);
      st.queue.clear();
      for (auto& r : st.replicated_queue)
        if (r.promise.pending())
          r.promise.deliver(to_error(st.failed));
      st.replicated_queue.clear();
      return;
    }
    if (!st.replicated_queue.empty()) {
      start_replicated(self);
      continue;
    }
    auto group = std::make_shared<write_group>();
    group->now = st.cfg.ks->clock().now_ns();
    group->capture_prev = st.capture_prev;
    commit_view view{*st.cfg.ks, group->ops, group->now};
    size_t taken = 0;
    while (!st.queue.empty() && taken < coordinator_state::max_group_commits
           && group->log_bytes < coordinator_state::max_group_bytes) {
      pending_commit p = std::move(st.queue.front());
      st.queue.pop_front();
      ++taken;
      const revision next = st.rev + 1;
      const auto first = static_cast<uint32_t>(group->ops.size());
      p.result = evaluate_txn(p.req, next, *st.cfg.ks, view, group->ops, st.cfg.lim.max_commit_bytes,
                              group->log_bytes);
      p.req = {};
      const auto count = static_cast<uint32_t>(group->ops.size()) - first;
      if (count > 0) {
        st.rev = next;
        group->commits.push_back({next, first, count});
        ++st.counters.commits;
      }
      if (p.result) {
        if (!p.result->succeeded)
          ++st.counters.conflicts;
        p.result->rev = st.rev;
      }
      if (p.token)
        group->replies.push_back({std::move(p.token), std::move(p.result)});
      else
        st.promised.push_back(std::move(p));
    }
    if (group->ops.empty()) {  // nothing to log or apply: reads, failed compares, refusals
      group->release_replies();
      for (auto& p : st.promised)
        answer(p, std::move(p.result));
      st.promised.clear();
      continue;
    }
    st.touched.assign(st.cfg.shards.size(), 0);
    for (const write_op& op : group->ops)
      group->shards_touched += st.touched[op.shard] == 0 ? (st.touched[op.shard] = 1) : 0;
    group->shards_pending.store(group->shards_touched);
    st.in_flight = group;
    log_group(self);
  }
}

// True when a transaction may write (either branch), which a replica refuses.
bool writes(const txn_request& req) {
  auto writing = [](const std::vector<txn_op>& ops) {
    return std::any_of(ops.begin(), ops.end(), [](const txn_op& op) { return op.kind != op_kind::get; });
  };
  return writing(req.success) || writing(req.failure);
}

// Step 1: a commit joins the queue, unless the store is closing or failed.
void admit(self_ptr self, pending_commit p) {
  auto& st = self->state;
  if (st.closing) {
    answer(p, status{errc::closed, "the store is closing"});
    return;
  }
  if (!st.failed.is_ok()) {
    answer(p, st.failed);
    return;
  }
  if (!st.cfg.read_only.empty() && writes(p.req)) {
    answer(p, status{errc::read_only, st.cfg.read_only});
    return;
  }
  st.queue.push_back(std::move(p));
}

// Step 1 for a commit of the embedded facade.
void admit(self_ptr self, local_commit& c) {
  pending_commit p;
  p.req = std::move(c.req);
  p.token = std::move(c.token);
  admit(self, std::move(p));
}

// Starts a group if none is in flight and commits wait.
void start_group_if_idle(self_ptr self) {
  auto& st = self->state;
  if (st.in_flight || st.installing || (st.queue.empty() && st.replicated_queue.empty()))
    return;
  try {
    start_group(self);
  } catch (const std::exception& e) {  // e.g. bad_alloc: answer, never die
    // The group being built is dropped: its reply tokens answer errc::closed
    // as they go; actor callers get the error.
    status failure{errc::io_error, std::string{"commit failed: "} + e.what()};
    for (auto& q : st.promised)
      answer(q, failure);
    st.promised.clear();
  }
}

// -- compaction ------------------------------------------------------------------

void finish_compaction(self_ptr self, const result<revision>& outcome) {
  auto& c = self->state.compaction;
  c.running = false;
  c.job.reset();
  answer_compaction(c.served, outcome);
  start_install(self);
  start_compaction(self);  // one more was asked for meanwhile
  start_group(self);
  finish_close_if_idle(self);
}

// Compaction, started between groups (no group in flight):
//  1. Nothing new since the base snapshot: its revision is the answer.
//  2. The WAL closes its segment and starts the next (rotate): every record
//     written so far is at or below the revision of any cut taken after.
//  3. A snapshot job pins a consistent cut at revision R and writes it on
//     its own thread while commits go on (snap_done brings us back).
//  4. The WAL names the snapshot and the segments since the rotation in the
//     manifest, then removes the older files (install).
//  5. The waiters get R; any who came meanwhile get a compaction of their own.
void start_compaction(self_ptr self) {
  auto& st = self->state;
  auto& c = st.compaction;
  if (!c.wanted || c.running || st.in_flight || st.installing)
    return;
  c.wanted = false;
  if (!st.cfg.wal || !st.failed.is_ok() || st.closing) {
    status why = !st.cfg.wal ? status{errc::invalid_argument, "an in-memory store has no log to compact"}
                 : st.closing ? status{errc::closed, "the store is closing"}
                              : st.failed;
    answer_compaction(c.waiting, why);
    return;
  }
  const revision snapshot_rev = st.cfg.wal_stats->snapshot_rev.load(std::memory_order_relaxed);
  if (st.rev == snapshot_rev) {  // 1.
    answer_compaction(c.waiting, result<revision>{snapshot_rev});
    return;
  }
  c.running = true;
  c.served = std::exchange(c.waiting, {});
  self->request(st.cfg.wal, caf::infinite, rotate_atom_v)  // 2.
    .then(
      [self](uint64_t sequence) {
        auto& st = self->state;
        if (st.closing) {
          finish_compaction(self, status{errc::closed, "the store is closing"});
          return;
        }
        auto me = caf::actor_cast<coordinator_actor>(self);
        st.compaction.job = std::make_unique<snapshot_job>(  // 3.
          st.cfg.ks, *st.cfg.fs, st.cfg.dir, sequence,
          [me](snapshot_outcome out) { caf::anon_send(me, snap_done_atom_v, std::move(out)); });
      },
      [self](caf::error& err) { finish_compaction(self, to_status(err)); });
}

void snapshot_written(self_ptr self, snapshot_outcome& out) {
  auto& c = self->state.compaction;
  if (!c.running || !c.job)
    return;  // not ours
  c.job.reset();  // its thread has reported: joins at once
  if (!out.result) {
    finish_compaction(self, status{out.result.code(), "compaction failed: " + out.result.message()});
    return;
  }
  self->request(self->state.cfg.wal, caf::infinite, install_atom_v, out)  // 4.
    .then([self](revision rev) { finish_compaction(self, result<revision>{rev}); },  // 5.
      [self](caf::error& err) { finish_compaction(self, to_status(err)); });
}

// A replica's full sync, once no group is in flight and no compaction runs:
// the WAL makes the received snapshot the whole log, then the keyspace takes
// over its entries, and the next replicated group follows its revision.
void start_install(self_ptr self) {
  auto& st = self->state;
  if (!st.install || st.installing || st.in_flight || st.compaction.running)
    return;
  st.installing = true;
  auto finish = [self](result<revision> outcome) {
    auto& st = self->state;
    auto [req, rp] = std::move(*st.install);
    st.install.reset();
    st.installing = false;
    if (outcome) {
      st.cfg.ks->replace_all(*req.fresh);  // the old entries go with req.fresh
      st.rev = *outcome;
      if (st.cfg.replication)  // counted as its data becomes visible
        st.cfg.replication->count_full_sync();
      rp.deliver(*outcome);
    } else {
      rp.deliver(to_error(outcome.error()));
    }
    start_compaction(self);
    start_group(self);
    finish_close_if_idle(self);
  };
  if (!st.cfg.wal) {
    finish(result<revision>{st.install->first.snap.rev});
    return;
  }
  self->request(st.cfg.wal, caf::infinite, adopt_atom_v, st.install->first.snap)
    .then([finish](revision rev) { finish(result<revision>{rev}); },
          [finish](caf::error& err) { finish(to_status(err)); });
}

void want_compaction(self_ptr self, compact_waiter w) {
  auto& st = self->state;
  if (!st.cfg.read_only.empty()) {
    std::vector<compact_waiter> refused;
    refused.push_back(std::move(w));
    answer_compaction(refused, status{errc::read_only, st.cfg.read_only});
    return;
  }
  st.compaction.waiting.push_back(std::move(w));
  st.compaction.wanted = true;
  start_compaction(self);
}

store_stats stats_of(const coordinator_state& st) {
  store_stats out = st.counters;
  // What a reader sees: a group still being logged or applied is not in it
  // (min_rev waits on this revision for read-your-writes).
  out.rev = st.cfg.ks->applied_rev();
  out.keys = st.cfg.ks->size();
  out.memory_bytes = st.cfg.ks->memory_usage();
  if (const auto& w = st.cfg.wal_stats) {
    out.log_bytes = w->log_bytes.load(std::memory_order_relaxed);
    out.snapshot_rev = w->snapshot_rev.load(std::memory_order_relaxed);
    out.fsyncs = w->fsyncs.load(std::memory_order_relaxed);
    out.compactions = w->compactions.load(std::memory_order_relaxed);
    out.torn_tails = w->torn_tails.load(std::memory_order_relaxed);
    out.expired_at_open = w->expired_at_open.load(std::memory_order_relaxed);
  }
  if (st.cfg.replication)
    st.cfg.replication->fill(out, out.rev);
  return out;
}

} // namespace

coordinator_actor::behavior_type coordinator_impl(self_ptr self, coordinator_config config) {
  auto& st = self->state;
  st.cfg = std::move(config);
  st.rev = st.cfg.rev;
  st.counters.shards = st.cfg.shards.size();
  // However it ends, no facade commit waits in the intake for it.
  self->attach_functor([intake = st.cfg.intake] { intake->close(); });
  return {
    [self](commit_atom, local_commit& c) {
      admit(self, c);
      start_group_if_idle(self);
    },
    [self](commit_atom) {
      auto& st = self->state;
      st.cfg.intake->take(st.taken);
      for (local_commit& c : st.taken)
        admit(self, c);
      st.taken.clear();
      start_group_if_idle(self);
    },
    [self](txn_atom, txn_request& req) -> caf::result<txn_result> {
      if (from_afar(self))
        return refused_from_afar();
      pending_commit p;
      p.req = std::move(req);
      p.promise = self->make_response_promise<txn_result>();
      auto promise = p.promise;
      admit(self, std::move(p));
      start_group_if_idle(self);
      return promise;
    },
    [self](subscribe_atom, subscription& sub) {
      self->state.capture_prev = self->state.capture_prev || sub.want_prev;
      self->state.listeners.push_back(std::move(sub));
    },
    [self](revision_atom) -> caf::result<revision> {
      if (from_afar(self))
        return refused_from_afar();
      return self->state.rev;
    },
    [self](stats_atom) -> caf::result<store_stats> {
      if (from_afar(self))
        return refused_from_afar();
      return stats_of(self->state);
    },
    [self](close_atom, local_ack& c) {
      auto& st = self->state;
      st.closing = true;
      st.close_waiters.push_back(std::move(c.token));
      if (st.compaction.job)
        st.compaction.job->cancel();
      finish_close_if_idle(self);
    },
    [self](compact_atom) -> caf::result<revision> {
      if (from_afar(self))
        return refused_from_afar();
      auto rp = self->make_response_promise<revision>();
      want_compaction(self, {nullptr, rp});
      return rp;
    },
    [self](compact_atom, local_ack& c) { want_compaction(self, {std::move(c.token), {}}); },
    [self](snap_done_atom, snapshot_outcome& out) { snapshot_written(self, out); },
    [self](replicate_atom, replicated_batch& batch) -> caf::result<revision> {
      auto& st = self->state;
      if (from_afar(self))
        return refused_from_afar();
      if (st.cfg.read_only.empty())
        return to_error(status{errc::invalid_argument, "this store is no replica"});
      if (st.closing)
        return to_error(status{errc::closed, "the store is closing"});
      if (batch.groups.empty())
        return st.rev;
      auto rp = self->make_response_promise<revision>();
      for (size_t i = 0; i < batch.groups.size(); ++i)
        st.replicated_queue.push_back(
          {std::move(batch.groups[i]), i + 1 == batch.groups.size() ? rp : caf::typed_response_promise<revision>{}});
      start_group_if_idle(self);
      return rp;
    },
    [self](adopt_atom, replica_install& req) -> caf::result<revision> {
      auto& st = self->state;
      if (from_afar(self))
        return refused_from_afar();
      if (st.cfg.read_only.empty() || !req.fresh)
        return to_error(status{errc::invalid_argument, "this store is no replica"});
      if (st.closing || st.install)
        return to_error(status{errc::closed, "the store is closing, or installs a snapshot already"});
      auto rp = self->make_response_promise<revision>();
      st.install.emplace(std::move(req), rp);
      start_install(self);
      return rp;
    },
  };
}

} // namespace moss
