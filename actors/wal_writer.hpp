// The WAL writer actor, spawned detached (blocking I/O never runs on the
// shared workers). Owns: the data directory's lock, its manifest, and the
// log segment being written. Receives: append (a batch of applied groups from
// the coordinator, which keeps one batch in flight), flush (at close), rotate
// and snap_done (around a compaction). Sends: durable, wal_fail, compact and
// compacted to the coordinator; under `always` it answers the embedded
// callers of a batch itself, right after the fsync.
//
// Group commit: the coordinator collects groups while a batch is being
// written (and fsynced), so one write and one fsync cover all of them.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <sys/types.h>
#include <thread>

#include "actors/interfaces.hpp"
#include "core/options.hpp"
#include "persistence/dir_lock.hpp"
#include "persistence/file.hpp"
#include "persistence/log_writer.hpp"
#include "persistence/manifest.hpp"

namespace moss {

/// Counters the WAL keeps and the coordinator reads for stats.
struct wal_counters {
  std::atomic<uint64_t> log_bytes{0};
  std::atomic<uint64_t> snapshot_rev{0};
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
  uint64_t next_segment = 1;
  uint64_t snapshot_bytes = 0;
  uint64_t log_bytes = 0;
  fsync_policy policy = fsync_policy::every_second;
  double compact_ratio = 1.0;
  uint64_t compact_min_bytes = 0;
  std::shared_ptr<wal_counters> counters;
};

struct wal_state {
  wal_setup setup;
  std::unique_ptr<log_writer> writer;
  coordinator_actor coordinator;  ///< learnt from the first append
  status failed;                  ///< set once: the log is unusable
  bool dirty = false;             ///< written since the last fsync
  bool compaction_asked = false;  ///< asked the coordinator, not done yet
  // The compaction in progress: snapshot at `compact_rev` written by child `child`.
  pid_t child = -1;
  revision compact_rev = 0;
  size_t first_new_segment = 0;   ///< index in setup.files.segments
  std::thread waiter;             ///< waits for the child, then tells us
  std::shared_ptr<std::atomic<bool>> stopping = std::make_shared<std::atomic<bool>>(false);

  ~wal_state();
  static inline const char* name = "moss.wal";
};

/// Opens a fresh segment (named in the manifest) and serves the log.
wal_actor::behavior_type wal_impl(wal_actor::stateful_pointer<wal_state> self,
                                  std::shared_ptr<wal_setup> setup);

} // namespace moss
