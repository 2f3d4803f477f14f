// The WAL writer's behavior: write each group, fsync by policy, rotate
// segments and install snapshots.
#include "actors/wal_writer.hpp"

#include "actors/local_only.hpp"

#include <algorithm>

#include <moss/messages/errors.hpp>

#include "core/group_record.hpp"
#include "persistence/file_names.hpp"
#include "persistence/wal_record.hpp"

namespace moss {

namespace {

using self_ptr = wal_actor::stateful_pointer<wal_state>;
using namespace std::chrono_literals;

// The log is unusable from now on (the state of the file's tail is unknown).
caf::error fail(wal_state& s, status why) {
  if (s.failed.is_ok())
    s.failed = status{errc::write_failed,
                      "the log failed (" + why.to_string() + "); the store refuses writes, reads go on"};
  return to_error(s.failed);
}

uint64_t log_bytes(const wal_state& s) {
  return s.closed_bytes + (s.writer ? s.writer->logical_size() : 0);
}

void publish(wal_state& s) {
  s.setup.counters->log_bytes.store(log_bytes(s), std::memory_order_relaxed);
}

// Starts segment `next_file` after revision `last` and names it in the manifest.
status open_segment(wal_state& s, revision last) {
  std::string name = log_file_name(s.setup.next_file++);
  std::unique_ptr<writable_file> file;
  if (auto st = s.setup.fs->open_writable(join_path(s.setup.dir, name), open_mode::truncate, file); !st)
    return st;
  s.writer = std::make_unique<log_writer>(std::move(file), last);
  s.setup.files.segments.push_back(name);
  return write_manifest(*s.setup.fs, s.setup.dir, s.setup.files);
}

status sync(wal_state& s) {
  if (auto st = s.writer->sync(); !st)
    return st;
  s.dirty = false;
  s.setup.counters->fsyncs.fetch_add(1, std::memory_order_relaxed);
  return status::ok();
}

// A group the log could not take: the failure is final, and the segment is
// cut back to where the group began, so a write reported as failed does not
// come back at the next open either (unless even the cut fails).
status fail_group(wal_state& s, uint64_t group_start, status why) {
  if (auto st = s.setup.fs->truncate(s.writer->path(), group_start); !st)
    why = status{why.code(), why.message() + "; cutting the failed group back out of the log "
                               "failed too (" + st.to_string() + "), so it may reappear at the next open"};
  (void) fail(s, std::move(why));
  return s.failed;
}

// 1. Frame every commit of the group as one record; 2. one write(2);
// 3. under `always`, one fdatasync. Then the group may be applied.
status append(self_ptr self, const write_group& g) {
  auto& s = self->state;
  if (!s.failed.is_ok())
    return s.failed;
  const uint64_t group_start = s.writer->logical_size();
  for (const commit_span& c : g.commits) {
    auto st = s.writer->add_record_with(c.rev, log_format::record_type::commit_at,
                                        [&](std::string& out) { encode_commit_ops(out, g, c); });
    if (!st)
      return fail_group(s, group_start, std::move(st));
  }
  if (auto st = s.writer->flush(); !st)
    return fail_group(s, group_start, std::move(st));
  s.dirty = true;
  if (s.setup.policy == fsync_policy::always)
    if (auto st = sync(s); !st)
      return fail_group(s, group_start, std::move(st));
  publish(s);
  return status::ok();
}

// Closes the open segment (synced) and starts the next: everything written so
// far is covered by a snapshot taken from now on.
caf::result<uint64_t> rotate(wal_state& s) {
  if (!s.failed.is_ok())
    return to_error(s.failed);
  if (auto st = sync(s); !st)
    return fail(s, std::move(st));
  const revision last = s.writer->last_revision();
  s.closed_bytes += s.writer->logical_size();
  if (auto st = s.writer->close(); !st)
    return fail(s, std::move(st));
  if (auto st = open_segment(s, last); !st)
    return fail(s, std::move(st));
  s.rotated_at = s.setup.files.segments.size() - 1;
  s.rotated_rev = last;
  return s.setup.next_file++;  // the snapshot's own sequence number
}

// The snapshot `snap` is whole and in place:
//  1. name it in the manifest with the segments since the last rotation;
//  2. only then remove the older snapshot and segments, never one the new
//     manifest names.
caf::result<revision> install(wal_state& s, const snapshot_outcome& snap) {
  if (!s.failed.is_ok())
    return to_error(s.failed);
  if (snap.rev < s.rotated_rev)
    return to_error(status{errc::invalid_argument, "snapshot at revision " + std::to_string(snap.rev)
                                                     + " does not cover the log rotated at "
                                                     + std::to_string(s.rotated_rev)});
  file_system& fs = *s.setup.fs;
  manifest next;
  next.snapshot = snap.name;
  next.snapshot_revision = snap.rev;
  next.segments.assign(s.setup.files.segments.begin() + static_cast<ptrdiff_t>(s.rotated_at),
                       s.setup.files.segments.end());
  if (auto st = write_manifest(fs, s.setup.dir, next); !st)
    return fail(s, std::move(st));  // the manifest's state is unknown: stop writing
  manifest old = std::exchange(s.setup.files, std::move(next));
  auto named = [&](const std::string& f) {
    const manifest& m = s.setup.files;
    return f == m.snapshot || std::find(m.segments.begin(), m.segments.end(), f) != m.segments.end();
  };
  if (!old.snapshot.empty() && !named(old.snapshot))
    (void) fs.remove(join_path(s.setup.dir, old.snapshot));
  for (const std::string& seg : old.segments)
    if (!named(seg))
      (void) fs.remove(join_path(s.setup.dir, seg));
  s.rotated_at = 0;
  s.closed_bytes = 0;
  for (size_t i = 0; i + 1 < s.setup.files.segments.size(); ++i) {
    uint64_t n = 0;
    if (fs.file_size(join_path(s.setup.dir, s.setup.files.segments[i]), n))
      s.closed_bytes += n;
  }
  s.setup.counters->snapshot_rev.store(snap.rev, std::memory_order_relaxed);
  s.setup.counters->snapshot_bytes.store(snap.bytes, std::memory_order_relaxed);
  s.setup.counters->compactions.fetch_add(1, std::memory_order_relaxed);
  publish(s);
  return snap.rev;
}

// A replica's full sync: the snapshot received from its primary replaces
// everything this log held. The new manifest is the switch; files the old
// one named are removed only after it is written.
caf::result<revision> adopt(wal_state& s, const snapshot_outcome& snap) {
  if (!s.failed.is_ok())
    return to_error(s.failed);
  file_system& fs = *s.setup.fs;
  if (auto st = sync(s); !st)
    return fail(s, std::move(st));
  if (auto st = s.writer->close(); !st)
    return fail(s, std::move(st));
  s.writer.reset();
  const std::string name = snapshot_file_name(snap.rev, s.setup.next_file++);
  if (auto st = fs.rename(join_path(s.setup.dir, snap.name), join_path(s.setup.dir, name)); !st)
    return fail(s, std::move(st));
  if (auto st = fs.sync_dir(s.setup.dir); !st)
    return fail(s, std::move(st));
  manifest old = std::exchange(s.setup.files, manifest{name, snap.rev, {}});
  if (auto st = open_segment(s, snap.rev); !st)  // writes the manifest
    return fail(s, std::move(st));
  if (!old.snapshot.empty() && old.snapshot != name)
    (void) fs.remove(join_path(s.setup.dir, old.snapshot));
  for (const std::string& seg : old.segments)
    (void) fs.remove(join_path(s.setup.dir, seg));
  s.rotated_at = 0;
  s.rotated_rev = snap.rev;
  s.closed_bytes = 0;
  s.setup.counters->snapshot_rev.store(snap.rev, std::memory_order_relaxed);
  s.setup.counters->snapshot_bytes.store(snap.bytes, std::memory_order_relaxed);
  publish(s);
  return snap.rev;
}

} // namespace

wal_state::~wal_state() {
  if (writer && failed.is_ok())
    (void) writer->close();
}

wal_actor::behavior_type wal_impl(self_ptr self, std::shared_ptr<wal_setup> setup,
                                  std::vector<shard_actor> shards) {
  auto& s = self->state;
  s.setup = std::move(*setup);
  s.shards = std::move(shards);
  s.closed_bytes = s.setup.log_bytes;
  if (auto st = open_segment(s, s.setup.last_rev); !st)
    (void) fail(s, std::move(st));  // every append reports it
  s.rotated_at = 0;
  s.rotated_rev = s.setup.files.snapshot_revision;
  if (s.setup.policy == fsync_policy::every_second)
    self->delayed_send(self, 1s, tick_atom_v);
  return {
    [self](append_atom, const group_ptr& g) -> caf::result<revision> {
      if (auto st = append(self, *g); !st)
        return to_error(st);
      if (g->shards_touched == 1)  // that shard's answer is ours
        return self->delegate(self->state.shards[g->ops.front().shard], apply_atom_v, g);
      return g->last_rev();
    },
    [self](rotate_atom) -> caf::result<uint64_t> {
      if (from_afar(self))
        return refused_from_afar();
      return rotate(self->state);
    },
    [self](install_atom, const snapshot_outcome& snap) -> caf::result<revision> {
      return install(self->state, snap);
    },
    [self](adopt_atom, const snapshot_outcome& snap) -> caf::result<revision> {
      if (from_afar(self))
        return refused_from_afar();
      return adopt(self->state, snap);
    },
    [self](flush_atom) -> caf::result<bool> {
      if (from_afar(self))
        return refused_from_afar();
      auto& s = self->state;
      if (!s.failed.is_ok())
        return false;
      if (auto st = sync(s); !st) {
        (void) fail(s, std::move(st));
        return false;
      }
      return true;
    },
    [self](tick_atom) {
      if (from_afar(self))
        return;
      auto& s = self->state;
      if (s.dirty && s.failed.is_ok())
        if (auto st = sync(s); !st)
          (void) fail(s, std::move(st));  // the next append reports it
      self->delayed_send(self, 1s, tick_atom_v);
    },
  };
}

} // namespace moss
