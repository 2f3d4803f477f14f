// Recovery of a data directory: snapshot, then log replay, then cleanup.
#include "core/recovery.hpp"

#include <algorithm>
#include <vector>

#include "persistence/file_names.hpp"
#include "persistence/log_reader.hpp"
#include "persistence/snapshot.hpp"
#include "persistence/wal_record.hpp"

namespace moss {

namespace {

// Installs one commit record's ops in the keyspace.
status replay_commit(keyspace& ks, uint64_t rev, std::string_view payload,
                     std::vector<wal_op_view>& ops) {
  if (auto st = decode_commit(payload, ops); !st)
    return st;
  for (const wal_op_view& op : ops) {
    if (op.kind == wal_op_kind::put)
      ks.restore(op.key, op.value, {op.create_rev, rev, op.version, op.expiry});
    else
      ks.restore_erase(op.key);
  }
  return status::ok();
}

// Deletes files of the store the manifest does not name (left by a crash
// between writing a file and switching the manifest). LOCK and MANIFEST stay.
void remove_orphans(file_system& fs, const std::string& dir, const manifest& m) {
  std::vector<std::string> names;
  if (!fs.list_dir(dir, names))
    return;
  for (const std::string& name : names) {
    uint64_t n;
    bool ours = parse_snapshot_file_name(name, n) || parse_log_file_name(name, n)
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
  for (size_t i = 0; i < info.files.segments.size(); ++i) {
    const std::string& name = info.files.segments[i];
    const std::string path = join_path(dir, name);
    const bool last = i + 1 == info.files.segments.size();
    uint64_t seq;
    if (parse_log_file_name(name, seq))
      info.next_segment = std::max(info.next_segment, seq + 1);
    if (!fs.exists(path)) {
      if (last)  // created by the manifest switch, lost before its first write
        continue;
      return status{errc::corruption, name + ": a log segment named by the manifest is missing"};
    }
    log_read_result r = read_log(
      fs, path,
      [&](uint64_t rev, log_format::record_type type, std::string_view payload) {
        if (type != log_format::record_type::commit)
          return status{errc::corruption, name + ": unexpected record type in a log segment"};
        return replay_commit(ks, rev, payload, ops);
      },
      info.last_rev + 1);
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
    info.records += r.records;
    info.log_bytes += r.valid_bytes;
    if (r.records > 0)
      info.last_rev = r.last_revision;
    kept.push_back(name);
  }
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
  for (size_t i = 0; i < m.segments.size(); ++i) {
    const std::string path = join_path(dir, m.segments[i]);
    if (!fs.exists(path))
      continue;
    log_read_result r = read_log(fs, path, [](uint64_t, log_format::record_type, std::string_view) {
      return status::ok();
    }, out.last_rev + 1);
    if (!r.outcome) {
      out.damage = r.outcome.to_string();
      return out;
    }
    out.records += r.records;
    if (r.records > 0)
      out.last_rev = r.last_revision;
    if (r.dropped_bytes > 0) {
      std::string where = m.segments[i] + ": " + std::to_string(r.dropped_bytes) + " bytes at offset "
                          + std::to_string(r.valid_bytes) + " (" + r.tail_reason + ")";
      if (i + 1 != m.segments.size()) {
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
  if (out.detail.empty())
    out.detail = "the log is intact";
  else if (out.dropped_segments > 0)
    out.detail += "; " + std::to_string(out.dropped_segments) + " later segment(s) dropped";
  return out;
}

} // namespace moss
