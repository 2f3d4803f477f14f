// Opening a data directory: take its lock, load the base snapshot, replay the
// log segments after it into the keyspace, truncate a torn tail, and report.
#pragma once

#include <string>

#include <moss/repair.hpp>
#include <moss/result.hpp>

#include "core/keyspace.hpp"
#include "persistence/dir_lock.hpp"
#include "persistence/file.hpp"
#include "persistence/manifest.hpp"

namespace moss {

/// What recovery found and did.
struct recovery_info {
  manifest files;                 ///< the manifest as recovered (segments all exist)
  revision last_rev = 0;          ///< the last revision recovered
  uint64_t snapshot_entries = 0;  ///< entries loaded from the snapshot
  uint64_t snapshot_bytes = 0;    ///< size of the snapshot file
  uint64_t records = 0;           ///< log records replayed (not those the snapshot covers)
  uint64_t log_bytes = 0;         ///< bytes of the segments after the snapshot
  uint64_t truncations = 0;       ///< torn tails cut off (0 or 1)
  uint64_t dropped_bytes = 0;     ///< bytes those tails held
  std::string tail_report;        ///< "wal-000003.log: cut 17 bytes at offset 4096 (record cut short)"
  uint64_t expired_dropped = 0;   ///< entries already expired at open
  uint64_t next_file = 1;         ///< sequence number for the next segment or snapshot
};

/// Recovers the store in `dir` (created if missing) into the empty `ks`.
/// Takes the directory's lock into `lock`. Damage before the log's tail
/// fails with errc::corruption naming the file and offset (see repair).
result<recovery_info> recover(file_system& fs, const std::string& dir, keyspace& ks,
                              dir_lock& lock);

/// What check found in a data directory.
struct check_report {
  uint64_t snapshot_entries = 0;  ///< entries in the base snapshot
  revision snapshot_rev = 0;      ///< its revision (0: none)
  uint64_t records = 0;           ///< whole log records after it
  revision last_rev = 0;          ///< the last revision an open would recover
  std::string torn_tail;          ///< a torn tail the next open would cut (empty: none)
  std::string damage;             ///< damage that stops an open (empty: none)
  bool clean() const noexcept { return damage.empty(); }
};

/// Reads the store in `dir` as an open would, changing nothing and taking no
/// lock: reports the snapshot, the log, a torn tail, and damage before it.
result<check_report> check(file_system& fs, const std::string& dir);

/// Cuts the log of the store in `dir` back to its longest valid prefix: the
/// damaged segment is truncated at its first bad record and later segments
/// are dropped from the manifest (their revisions would leave a gap). Takes
/// the directory's lock: fails with errc::locked while a store has it open.
result<repair_report> repair(file_system& fs, const std::string& dir);

} // namespace moss
