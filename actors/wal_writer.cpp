// The WAL writer's behavior: append, fsync by policy, rotate and switch the
// manifest around compactions.
#include "actors/wal_writer.hpp"

#include <csignal>
#include <sys/wait.h>

#include <caf/actor_cast.hpp>

#include "persistence/file_names.hpp"
#include "persistence/wal_record.hpp"

namespace moss {

namespace {

using self_ptr = wal_actor::stateful_pointer<wal_state>;
using namespace std::chrono_literals;

// The log is unusable from now on: tell the coordinator once.
void fail(self_ptr self, status st) {
  auto& s = self->state;
  if (!s.failed.is_ok())
    return;
  s.failed = std::move(st);
  if (s.coordinator)
    self->send(s.coordinator, wal_fail_atom_v, s.failed.to_string());
}

// Starts segment `setup.next_segment` after revision `last` and names it in the manifest.
status open_segment(wal_state& s, revision last) {
  std::string name = log_file_name(s.setup.next_segment++);
  std::unique_ptr<writable_file> file;
  if (auto st = s.setup.fs->open_writable(join_path(s.setup.dir, name), open_mode::truncate, file); !st)
    return st;
  s.writer = std::make_unique<log_writer>(std::move(file), last);
  s.setup.files.segments.push_back(name);
  return write_manifest(*s.setup.fs, s.setup.dir, s.setup.files);
}

void encode_commit_ops(std::string& out, const write_group& g, const commit_span& c) {
  encode_op_count(out, c.count);
  for (uint32_t i = c.first; i < c.first + c.count; ++i) {
    const write_op& op = g.ops[i];
    switch (op.kind) {
      case change_kind::put:
        encode_put(out, op.key, op.value, op.meta.expiry, op.meta.create_rev, op.meta.version);
        break;
      case change_kind::del: encode_del(out, op.key); break;
      case change_kind::expire: encode_expire(out, op.key); break;
    }
  }
}

// fsync; true when the log is durable up to the last record written.
bool make_durable(self_ptr self) {
  auto& s = self->state;
  if (!s.failed.is_ok())
    return false;
  if (auto st = s.writer->sync(); !st) {
    fail(self, std::move(st));
    return false;
  }
  s.dirty = false;
  s.setup.counters->fsyncs.fetch_add(1, std::memory_order_relaxed);
  return true;
}

// Asks for a compaction once the log has outgrown the snapshot.
void maybe_ask_compaction(self_ptr self) {
  auto& s = self->state;
  uint64_t log = s.setup.log_bytes + s.writer->logical_size();
  if (s.compaction_asked || s.child > 0 || !s.coordinator || log < s.setup.compact_min_bytes
      || static_cast<double>(log) < s.setup.compact_ratio * static_cast<double>(s.setup.snapshot_bytes))
    return;
  s.compaction_asked = true;
  caf::anon_send(s.coordinator, compact_atom_v);  // anonymous: the revision it answers goes nowhere
}

// The snapshot at compact_rev is done (or failed): switch the manifest to it.
//  1. Point the manifest at the new snapshot and the segments after the rotation.
//  2. Only then delete the old snapshot and segments.
void finish_compaction(self_ptr self, revision rev, bool child_ok) {
  auto& s = self->state;
  if (s.waiter.joinable())
    s.waiter.join();
  s.child = -1;
  s.compaction_asked = false;
  file_system& fs = *s.setup.fs;
  const std::string snap = snapshot_file_name(rev);
  std::string why;
  uint64_t snap_bytes = 0;
  if (child_ok && fs.file_size(join_path(s.setup.dir, snap), snap_bytes)) {
    manifest next;
    next.snapshot = snap;
    next.snapshot_revision = rev;
    next.segments.assign(s.setup.files.segments.begin() + static_cast<ptrdiff_t>(s.first_new_segment),
                         s.setup.files.segments.end());
    if (auto st = write_manifest(fs, s.setup.dir, next); st) {
      manifest old = std::exchange(s.setup.files, std::move(next));
      if (!old.snapshot.empty())
        (void) fs.remove(join_path(s.setup.dir, old.snapshot));
      for (size_t i = 0; i < s.first_new_segment; ++i)
        (void) fs.remove(join_path(s.setup.dir, old.segments[i]));
      s.setup.snapshot_bytes = snap_bytes;
      s.setup.log_bytes = 0;  // all closed segments are gone; the open one counts itself
      for (size_t i = 0; i + 1 < s.setup.files.segments.size(); ++i) {
        uint64_t n = 0;
        if (fs.file_size(join_path(s.setup.dir, s.setup.files.segments[i]), n))
          s.setup.log_bytes += n;
      }
      s.setup.counters->snapshot_rev.store(rev, std::memory_order_relaxed);
      s.setup.counters->compactions.fetch_add(1, std::memory_order_relaxed);
      self->send(s.coordinator, compacted_atom_v, rev, true, std::string{});
      return;
    } else {
      why = st.to_string();
    }
  } else {
    why = "the snapshot writer failed";
  }
  (void) fs.remove(join_path(s.setup.dir, temp_file_name(snap)));
  (void) fs.remove(join_path(s.setup.dir, snap));
  self->send(s.coordinator, compacted_atom_v, rev, false, why);
}

} // namespace

wal_state::~wal_state() {
  // A compaction child still writing is stopped: its snapshot was never named.
  stopping->store(true);
  if (child > 0)
    ::kill(child, SIGKILL);
  if (waiter.joinable())
    waiter.join();
  if (writer && failed.is_ok())
    (void) writer->close();
}

wal_actor::behavior_type wal_impl(self_ptr self, std::shared_ptr<wal_setup> setup) {
  auto& s = self->state;
  s.setup = std::move(*setup);
  if (auto st = open_segment(s, s.setup.last_rev); !st)
    s.failed = std::move(st);  // reported with the first append
  if (s.setup.policy == fsync_policy::every_second)
    self->delayed_send(self, 1s, tick_atom_v);
  return {
    [self](append_atom, const log_batch& batch) {
      auto& s = self->state;
      if (!s.coordinator)
        s.coordinator = caf::actor_cast<coordinator_actor>(self->current_sender());
      // 1. Frame every commit of every group; 2. one write; 3. under
      //    `always`, one fsync and the answers; 4. tell the coordinator.
      for (const group_ptr& g : batch.groups) {
        for (const commit_span& c : g->commits) {
          if (!s.failed.is_ok())
            break;
          auto st = s.writer->add_record_with(c.rev, log_format::record_type::commit,
                                              [&](std::string& out) { encode_commit_ops(out, *g, c); });
          if (!st)
            fail(self, std::move(st));
        }
      }
      if (s.failed.is_ok()) {
        if (auto st = s.writer->flush(); !st)
          fail(self, std::move(st));
        else
          s.dirty = true;
      }
      if (s.setup.policy == fsync_policy::always && make_durable(self))
        for (const group_ptr& g : batch.groups)
          for (local_reply& r : g->replies)
            r.token->complete(std::move(r.result));
      if (!s.failed.is_ok()) {  // the coordinator answers everyone with the failure
        self->send(s.coordinator, wal_fail_atom_v, s.failed.to_string());
        return;
      }
      s.setup.counters->log_bytes.store(s.setup.log_bytes + s.writer->logical_size(),
                                        std::memory_order_relaxed);
      self->send(s.coordinator, durable_atom_v, batch.groups.back()->last_rev());
      maybe_ask_compaction(self);
    },
    [self](tick_atom) {
      if (self->state.dirty)
        make_durable(self);
      self->delayed_send(self, 1s, tick_atom_v);
    },
    [self](flush_atom) -> caf::result<bool> { return make_durable(self); },
    [self](rotate_atom, revision rev, int32_t pid) {
      auto& s = self->state;
      s.child = pid;
      s.compact_rev = rev;
      // The records up to `rev` stay in the closed segments; new ones go to a new segment.
      if (s.failed.is_ok()) {
        if (auto st = s.writer->sync(); !st)
          fail(self, std::move(st));
        else {
          s.setup.log_bytes += s.writer->logical_size();
          (void) s.writer->close();
          s.first_new_segment = s.setup.files.segments.size();
          if (auto st2 = open_segment(s, s.writer->last_revision()); !st2)
            fail(self, std::move(st2));
        }
      }
      auto me = caf::actor_cast<wal_actor>(self);
      auto stopping = s.stopping;
      s.waiter = std::thread([me, pid, rev, stopping] {
        int wstatus = 0;
        bool ok = ::waitpid(pid, &wstatus, 0) == pid && WIFEXITED(wstatus)
                  && WEXITSTATUS(wstatus) == 0;
        if (!stopping->load())
          caf::anon_send(me, snap_done_atom_v, rev, ok);
      });
    },
    [self](snap_done_atom, revision rev, bool ok) {
      finish_compaction(self, rev, ok && self->state.failed.is_ok());
    },
  };
}

} // namespace moss
