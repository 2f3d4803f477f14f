// The transaction coordinator: the single serializer of commits, and the one
// place that decides and runs compactions. Owns: the current revision, the
// queue of commits waiting for the next group, the one group in flight, the
// change listeners, the snapshot job, and the close. Receives: commit (the
// facade's commit_intake rang, or one local_commit), txn (the store, the TTL
// timer), subscribe, revision, stats, close,
// compact, and snap_done from its own snapshot job. Sends: append, rotate,
// install and flush to the WAL, apply to shards (each answered), change to
// listeners, outcomes to reply tokens and response promises. It is handed
// every peer when spawned.
//
// A commit's path (one group in flight at a time):
//   1. It joins the queue (a facade's commits all that its intake holds at
//      once). If no group is in flight, a group starts now; otherwise it
//      waits, and everything that queued meanwhile goes together.
//   2. Each commit of the group gets the next revision if it writes; its
//      compares are evaluated against the committed state plus the group's
//      earlier changes, and its ops become changes. A commit too large for
//      one log record is refused here and takes no revision.
//   3. The WAL writes the group: one write(2), and under `always` one
//      fdatasync. If that fails, the group is answered with the failure and
//      never applied, and the store refuses every later write: a reader never
//      sees a write the log does not have.
//   4. Every shard the group touches applies its part. The group is released
//      when the last one has: that shard answers the embedded callers
//      (write_group::release_replies) as it finishes, and its answer to
//      `apply` brings the coordinator back to answer the actor callers, tell
//      the listeners and start the next group. So every answer is given once
//      the write is in the log and visible, never before.
#pragma once

#include <deque>
#include <optional>
#include <memory>
#include <vector>

#include <moss/options.hpp>

#include "actors/commit_intake.hpp"
#include "actors/interfaces.hpp"
#include "actors/wal_writer.hpp"
#include "core/keyspace.hpp"
#include "core/replication_status.hpp"
#include "core/snapshot_job.hpp"

namespace moss {

/// A commit waiting for its group, then for its group's release.
struct pending_commit {
  txn_request req;
  reply_token_ptr token;                            ///< set for facade commits
  caf::typed_response_promise<txn_result> promise;  ///< set for actor commits
  txn_outcome result = txn_result{};
};

/// Someone waiting for a compaction: the facade (token) or an actor (promise).
struct compact_waiter {
  reply_token_ptr token;
  caf::typed_response_promise<revision> promise;
};

/// What a coordinator is handed when spawned; constant afterwards.
struct coordinator_config {
  std::shared_ptr<keyspace> ks;
  std::vector<shard_actor> shards;
  wal_actor wal;                           ///< null: the store is in memory only
  /// The WAL's own account of the log: base snapshot (revision, bytes) and
  /// bytes after it; what compaction decisions read.
  std::shared_ptr<wal_counters> wal_stats;
  file_system* fs = nullptr;
  std::string dir;
  revision rev = 0;                        ///< the last revision recovered
  limits lim;
  double compact_ratio = 1.0;              ///< compact when the log exceeds the snapshot by this...
  uint64_t compact_min_bytes = 0;          ///< ...and is at least this large
  std::shared_ptr<const std::atomic<size_t>> ttl_deadlines;  ///< published by the TTL timer
  std::shared_ptr<commit_intake> intake;   ///< the facade's commits (see commit_intake); never null
  /// Set on a replica: why writes, transactions that write and compact
  /// requests are refused (errc::read_only); its commits come from its
  /// primary (replicate, adopt). Empty on a primary.
  std::string read_only;
  std::shared_ptr<replication_status> replication;  ///< what stats report of replication; may be null
};

struct coordinator_state {
  coordinator_config cfg;

  // -- commits (steps 1-4) ------------------------------------------------------
  revision rev = 0;                      ///< the last revision decided
  std::deque<pending_commit> queue;      ///< waiting for the next group
  std::vector<local_commit> taken;       ///< scratch: what the intake handed over
  group_ptr in_flight;                   ///< with the log, then the shards
  std::vector<pending_commit> promised;  ///< actor callers of `in_flight`
  uint32_t shards_left = 0;              ///< shards that have not applied `in_flight`
  std::vector<uint8_t> touched;          ///< scratch: shards a group touches
  status failed;                         ///< the log failed: writes are refused

  // -- a replica's stream (see coordinator_config::read_only) ------------------
  struct replicated {
    std::shared_ptr<write_group> group;
    caf::typed_response_promise<revision> promise;  ///< set on a batch's last group
  };
  std::deque<replicated> replicated_queue;         ///< go before the queue's reads
  caf::typed_response_promise<revision> replicated_promise;  ///< of `in_flight`, if any
  std::optional<std::pair<replica_install, caf::typed_response_promise<revision>>> install;
  bool installing = false;               ///< the WAL adopts a snapshot: nothing else starts

  // -- listeners ----------------------------------------------------------------
  std::vector<subscription> listeners;
  bool capture_prev = false;             ///< some listener wants previous values

  // -- compaction ---------------------------------------------------------------
  struct {
    bool wanted = false;                 ///< asked for, or the log outgrew the snapshot
    bool running = false;                ///< rotate sent, snapshot job or install pending
    std::vector<compact_waiter> waiting; ///< for the next compaction
    std::vector<compact_waiter> served;  ///< for the one running
    std::unique_ptr<snapshot_job> job;
  } compaction;

  // -- close --------------------------------------------------------------------
  bool closing = false;
  std::vector<reply_token_ptr> close_waiters;

  store_stats counters;

  static inline const char* name = "moss.coordinator";
  /// A group takes at most this many commits...
  static constexpr size_t max_group_commits = 4096;
  /// ...and stops taking more past about this many bytes of log, to bound its latency.
  static constexpr size_t max_group_bytes = 16u << 20;
};

coordinator_actor::behavior_type
coordinator_impl(coordinator_actor::stateful_pointer<coordinator_state> self,
                 coordinator_config config);

} // namespace moss
