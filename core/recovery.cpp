// Recovery of a data directory: snapshot, then log replay, then cleanup.
#include "core/recovery.hpp"

#include <algorithm>
#include <vector>

#include "persistence/file_names.hpp"
#include "persistence/incarnation.hpp"
#include "persistence/log_reader.hpp"
#include "persistence/snapshot.hpp"
#include "persistence/wal_record.hpp"

namespace moss {

namespace {

// Installs one commit record's ops in the keyspace: an older `commit` record
// carries each put's metadata, a `commit_at` record its clock reading, from
// which the metadata follows as it did when the commit was applied.
status replay_commit(keyspace& ks, uint64_t rev, log_format::record_type type,
                     std::string_view payload, std::vector<wal_op_view>& ops) {
  int64_t now = 0;
  if (type == log_format::record_type::commit_at) {
    if (auto st = decode_commit_at(payload, now, ops); !st)
      return st;
  } else if (type == log_format::record_type::commit) {
    if (auto st = decode_commit(payload, ops); !st)
      return st;
  } else {
    return status{errc::corruption, "unexpected record type in a log segment"};
  }
  for (const wal_op_view& op : ops) {
    if (op.kind != wal_op_kind::put)
      ks.restore_erase(op.key);
    else if (type == log_format::record_type::commit_at)
      ks.replay_put(op.key, op.value, rev, op.expiry, now);
    else
      ks.restore(op.key, op.value, {op.create_rev, rev, op.version, op.expiry});
  }
  return status::ok();
}

// The revisions of the segments after a snapshot at `base`: records at or
// below it (written between the rotation and the cut) are covered by the
// snapshot and skipped; after them every revision follows the one before.
class revision_sequence {
public:
  explicit revision_sequence(revision base) : last_(base) {}

  /// ok and `apply` set: replay the record; ok and not set: skip it.
  status next(revision rev, bool& apply) {
    apply = false;
    if (rev <= last_) {
      if (started_)
        return status{errc::corruption, "revision " + std::to_string(rev) + " after "
                                          + std::to_string(last_)};
      return status::ok();
    }
    if (rev != last_ + 1)
      return status{errc::corruption, "revision " + std::to_string(rev) + " where "
                                        + std::to_string(last_ + 1) + " was expected"};
    last_ = rev;
    started_ = true;
    apply = true;
    return status::ok();
  }
  revision last() const noexcept { return last_; }

private:
  revision last_;
  bool started_ = false;
};

status missing_file(const std::string& name, std::string_view what) {
  return status{errc::corruption, name + ": the manifest names a " + std::string{what}
                                    + " that is missing"};
}

// Deletes files of the store the manifest does not name (left by a crash
// between writing a file and switching the manifest). LOCK and MANIFEST stay.
void remove_orphans(file_system& fs, const std::string& dir, const manifest& m) {
  std::vector<std::string> names;
  if (!fs.list_dir(dir, names))
    return;
  for (const std::string& name : names) {
    uint64_t n, seq;
    bool ours = parse_snapshot_file_name(name, n, seq) || parse_log_file_name(name, n)
                || (name.ends_with(".tmp") && name != temp_file_name("MANIFEST"));
    bool named = name == m.snapshot
                 || std::find(m.segments.begin(), m.segments.end(), name) != m.segments.end();
    if (ours && !named)
      (void) fs.remove(join_path(dir, name));
  }
}

} // namespace

result<recovery_info> recover(file_system& fs, const std::string& dir, keyspace& ks,
                              dir_lock& lock) {
  if (auto st = fs.create_dir(dir); !st)
    return st;
  if (auto st = lock.acquire(dir); !st)
    return st;
  recovery_info info;
  bool found = false;
  if (auto st = read_manifest(fs, dir, info.files, &found); !st)
    return st;
  const int64_t now = ks.clock().now_ns();

  // 1. The base snapshot.
  if (!info.files.snapshot.empty()) {
    if (!fs.exists(join_path(dir, info.files.snapshot)))
      return missing_file(info.files.snapshot, "snapshot");
    uint64_t rev, seq;
    if (parse_snapshot_file_name(info.files.snapshot, rev, seq))
      info.next_file = std::max(info.next_file, seq + 1);
    snapshot_info snap;
    auto st = read_snapshot(
      fs, join_path(dir, info.files.snapshot),
      [&](const snapshot_entry& e) {
        ks.restore(e.key, e.value, {e.create_revision, e.mod_revision, e.version, e.expiry});
        return status::ok();
      },
      &snap);
    if (!st)
      return st;
    info.snapshot_entries = snap.entries;
    info.snapshot_bytes = snap.bytes;
    info.last_rev = snap.revision;
  }

  // 2. Every segment after it, in order; only the last may have a torn tail.
  std::vector<wal_op_view> ops;
  std::vector<std::string> kept;
  revision_sequence revs{info.last_rev};
  for (size_t i = 0; i < info.files.segments.size(); ++i) {
    const std::string& name = info.files.segments[i];
    const std::string path = join_path(dir, name);
    const bool last = i + 1 == info.files.segments.size();
    uint64_t seq;
    if (parse_log_file_name(name, seq))
      info.next_file = std::max(info.next_file, seq + 1);
    if (!fs.exists(path)) {
      if (last)  // created by the manifest switch, lost before its first write
        continue;
      return missing_file(name, "log segment");
    }
    log_read_result r = read_log(
      fs, path,
      [&](uint64_t rev, log_format::record_type type, std::string_view payload) {
        bool apply = false;
        if (auto st = revs.next(rev, apply); !st || !apply)
          return st;
        ++info.records;
        return replay_commit(ks, rev, type, payload, ops);
      });
    if (!r.outcome)
      return r.outcome;
    if (r.dropped_bytes > 0) {
      if (!last)
        return status{errc::corruption, name + ": torn tail at offset " + std::to_string(r.valid_bytes)
                                          + " in a segment that later segments follow"};
      if (auto st = fs.truncate(path, r.valid_bytes); !st)
        return st;
      ++info.truncations;
      info.dropped_bytes = r.dropped_bytes;
      info.tail_report = name + ": cut " + std::to_string(r.dropped_bytes) + " bytes at offset "
                         + std::to_string(r.valid_bytes) + " (" + r.tail_reason + ")";
    }
    info.log_bytes += r.valid_bytes;
    kept.push_back(name);
  }
  info.last_rev = revs.last();
  info.files.segments = std::move(kept);

  // 3. Keys whose deadline passed while the store was closed never appear.
  info.expired_dropped = ks.drop_expired(now);
  remove_orphans(fs, dir, info.files);
  return info;
}

namespace {

// The manifest of an existing store (check and repair never create one).
result<manifest> existing_manifest(file_system& fs, const std::string& dir) {
  manifest m;
  bool found = false;
  if (auto st = read_manifest(fs, dir, m, &found); !st)
    return st;
  if (!found)
    return status{errc::invalid_argument, dir + " holds no mossdb store (no MANIFEST)"};
  return m;
}

} // namespace

result<check_report> check(file_system& fs, const std::string& dir) {
  auto found = existing_manifest(fs, dir);
  if (!found)
    return found.error();
  const manifest& m = *found;
  check_report out;
  if (!m.snapshot.empty()) {
    if (!fs.exists(join_path(dir, m.snapshot))) {
      out.damage = missing_file(m.snapshot, "snapshot").to_string();
      return out;
    }
    snapshot_info snap;
    auto st = read_snapshot(fs, join_path(dir, m.snapshot),
                            [](const snapshot_entry&) { return status::ok(); }, &snap);
    if (!st) {
      out.damage = st.to_string();
      return out;
    }
    out.snapshot_entries = snap.entries;
    out.snapshot_rev = out.last_rev = snap.revision;
  }
  revision_sequence revs{out.last_rev};
  for (size_t i = 0; i < m.segments.size(); ++i) {
    const std::string path = join_path(dir, m.segments[i]);
    const bool last = i + 1 == m.segments.size();
    if (!fs.exists(path)) {
      if (last)
        continue;  // as recovery: an empty last segment lost before its first write
      out.damage = missing_file(m.segments[i], "log segment").to_string();
      return out;
    }
    // Counted as recovery (and repair) would: the whole records before any damage.
    log_read_result r = read_log(fs, path, [&](uint64_t rev, log_format::record_type, std::string_view) {
      bool apply = false;
      auto st = revs.next(rev, apply);
      out.records += apply ? 1 : 0;
      return st;
    });
    out.last_rev = revs.last();
    if (!r.outcome) {
      out.damage = r.outcome.to_string();
      return out;
    }
    if (r.dropped_bytes > 0) {
      std::string where = m.segments[i] + ": " + std::to_string(r.dropped_bytes) + " bytes at offset "
                          + std::to_string(r.valid_bytes) + " (" + r.tail_reason + ")";
      if (!last) {
        out.damage = "torn segment followed by others: " + where;
        return out;
      }
      out.torn_tail = where;
    }
  }
  return out;
}

result<repair_report> repair(file_system& fs, const std::string& dir) {
  dir_lock lock;
  if (auto st = lock.acquire(dir); !st)
    return st;
  auto found = existing_manifest(fs, dir);
  if (!found)
    return found.error();
  manifest m = std::move(*found);
  repair_report out;
  std::vector<std::string> kept;
  for (size_t i = 0; i < m.segments.size(); ++i) {
    const std::string path = join_path(dir, m.segments[i]);
    if (!fs.exists(path))
      break;
    log_repair_result r = repair_log(fs, path);
    if (!r.outcome)
      return r.outcome;
    kept.push_back(m.segments[i]);
    out.kept_records += r.kept_records;
    if (r.kept_records > 0)
      out.last_rev = r.last_revision;
    if (r.cut_bytes > 0) {
      out.cut_bytes += r.cut_bytes;
      out.detail = m.segments[i] + ": cut " + std::to_string(r.cut_bytes) + " bytes (" + r.reason + ")";
      out.dropped_segments = m.segments.size() - i - 1;
      break;
    }
  }
  if (kept.size() != m.segments.size()) {
    out.dropped_segments = m.segments.size() - kept.size();
    m.segments = kept;
    if (auto st = write_manifest(fs, dir, m); !st)
      return st;
  }
  if (out.cut_bytes > 0 || out.dropped_segments > 0)
    if (auto st = forget_incarnation(fs, dir); !st)
      return st;
  if (out.detail.empty())
    out.detail = "the log is intact";
  else if (out.dropped_segments > 0)
    out.detail += "; " + std::to_string(out.dropped_segments) + " later segment(s) dropped";
  return out;
}

} // namespace moss
