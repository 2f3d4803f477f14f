// The WAL writer actor. Owns: the data directory's lock, its manifest, and the
// log segment being written. Receives: append (each commit group, from the
// coordinator, before any shard applies it), rotate and install (around a
// compaction), flush (at close), and its own once-a-second tick under
// `every_second`. Sends: answers, and `apply` to the shard of a one-shard
// group it has written (delegated: that shard's answer is the append's). It
// is handed the shards when spawned and never learns a peer otherwise.
//
// Spawned on the shared workers under `every_second` and `never` (an append
// is one write(2) into the page cache, microseconds, and a hop to a worker
// is far cheaper than waking a thread of its own), and detached under
// `always`, where every append ends in an fdatasync that must not hold a
// shared worker.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <moss/options.hpp>

#include "actors/interfaces.hpp"
#include "persistence/dir_lock.hpp"
#include "persistence/file.hpp"
#include "persistence/log_writer.hpp"
#include "persistence/manifest.hpp"

namespace moss {

/// Counters the WAL keeps and the coordinator reads for stats.
struct wal_counters {
  std::atomic<uint64_t> log_bytes{0};
  std::atomic<uint64_t> snapshot_rev{0};
  std::atomic<uint64_t> snapshot_bytes{0};
  std::atomic<uint64_t> fsyncs{0};
  std::atomic<uint64_t> compactions{0};
  std::atomic<uint64_t> torn_tails{0};
  std::atomic<uint64_t> expired_at_open{0};
};

/// What the WAL starts from: recovery's findings.
struct wal_setup {
  file_system* fs = nullptr;
  std::string dir;
  dir_lock lock;
  manifest files;
  revision last_rev = 0;
  uint64_t next_file = 1;       ///< sequence number of the next segment or snapshot
  uint64_t log_bytes = 0;       ///< bytes of the segments recovery kept
  fsync_policy policy = fsync_policy::every_second;
  std::shared_ptr<wal_counters> counters;
};

struct wal_state {
  wal_setup setup;                     ///< files.segments grows with each new segment
  std::vector<shard_actor> shards;     ///< where one-shard groups go once written
  std::unique_ptr<log_writer> writer;  ///< the last segment of setup.files
  status failed;                       ///< set once: the log is unusable, every append fails
  bool dirty = false;                  ///< written since the last fsync
  uint64_t closed_bytes = 0;           ///< bytes of the segments before the open one
  /// setup.files.segments[0, rotated_at) hold nothing past `rotated_rev`:
  /// the next snapshot (at a revision >= rotated_rev) replaces them.
  size_t rotated_at = 0;
  revision rotated_rev = 0;

  ~wal_state();
  static inline const char* name = "moss.wal";
};

/// Opens a fresh segment (named in the manifest) and serves the log.
wal_actor::behavior_type wal_impl(wal_actor::stateful_pointer<wal_state> self,
                                  std::shared_ptr<wal_setup> setup, std::vector<shard_actor> shards);

} // namespace moss
