// The transaction coordinator: the single serializer of commits. Owns: the
// current revision, the queue of commits waiting for the next group, the group
// being applied, the applied groups waiting for their fsync, the change
// listeners, and the decision to compact. Receives: commit (facade), txn
// (store), subscribe, stats, close, compact; durable, wal_fail, compacted
// (from the WAL). Sends: apply to shards, append/flush/rotate to the WAL,
// change to listeners, outcomes to reply tokens and response promises.
//
// A commit's path:
//   1. It joins the queue. If no group is being applied, a group starts now;
//      otherwise it waits, and everything that queued meanwhile goes together.
//   2. Each commit of the group gets the next revision if it writes, its
//      compares are evaluated against the committed state plus the group's
//      earlier changes, and its ops become changes.
//   3. Every shard the group touches applies its part (in revision order).
//      The shard that applies the last part answers the embedded callers
//      directly (unless the fsync policy is `always`) and sends `applied`.
//   4. On `applied`: the group goes to the WAL (its metadata is final now),
//      actor callers are answered (under `always`: when the WAL says the
//      group is durable), listeners get the group, and the next group starts.
#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "actors/interfaces.hpp"
#include "actors/wal_writer.hpp"
#include "core/keyspace.hpp"
#include "core/options.hpp"

namespace moss {

/// A commit waiting for its group, then for its group to be applied.
struct pending_commit {
  txn_request req;
  reply_token_ptr token;                            ///< set for facade commits
  caf::typed_response_promise<txn_result> promise;  ///< set for actor commits
  txn_result result;
};

/// Someone waiting for a compaction: the facade (token) or an actor (promise).
struct compact_waiter {
  reply_token_ptr token;
  caf::typed_response_promise<revision> promise;
};

/// An applied group whose answers wait for its fsync (policy always): the WAL
/// answers the group's embedded callers; the coordinator answers `commits`.
struct undurable_group {
  group_ptr group;
  std::vector<pending_commit> commits;
};

/// What a coordinator starts with.
struct coordinator_config {
  std::shared_ptr<keyspace> ks;
  std::vector<shard_actor> shards;
  revision rev = 0;                        ///< the last revision recovered
  wal_actor wal;                           ///< null: the store is in memory only
  std::shared_ptr<wal_counters> wal_stats;
  fsync_policy policy = fsync_policy::every_second;
  file_system* fs = nullptr;
  std::string dir;
  std::shared_ptr<const std::atomic<size_t>> ttl_deadlines;  ///< published by the TTL timer
};

struct coordinator_state {
  std::shared_ptr<keyspace> ks;
  std::vector<shard_actor> shards;
  revision rev = 0;
  wal_actor wal;
  std::shared_ptr<wal_counters> wal_stats;
  fsync_policy policy = fsync_policy::every_second;
  file_system* fs = nullptr;
  std::string dir;
  status failed;                         ///< the log failed: writes are refused
  std::deque<undurable_group> awaiting;  ///< applied, waiting for `durable`
  std::vector<group_ptr> to_log;         ///< applied groups for the next log batch
  uint32_t logs_in_flight = 0;           ///< batches sent to the WAL, not yet durable
  bool log_timer = false;                ///< a tick is armed to send `to_log`
  bool compaction_wanted = false;
  bool compacting = false;
  std::vector<compact_waiter> compact_waiters;  ///< for the next compaction
  std::vector<compact_waiter> compact_running;  ///< for the one in progress
  std::deque<pending_commit> queue;
  std::vector<pending_commit> applying;  ///< actor commits of `group`
  group_ptr group;                       ///< the group shards are applying
  std::vector<uint8_t> touched;          ///< scratch: shards the group touches
  /// Listeners; `deadlines_only` ones get a group only if it sets a deadline
  /// or the TTL timer holds any (`ttl_deadlines`): a stale skip is harmless,
  /// since an expiry only happens if the key still carries its deadline.
  std::vector<std::pair<change_listener, bool>> listeners;
  std::shared_ptr<const std::atomic<size_t>> ttl_deadlines;
  bool capture_prev = false;  ///< some listener wants previous values
  bool closing = false;
  std::vector<reply_token_ptr> close_waiters;
  store_stats counters;

  static inline const char* name = "moss.coordinator";
  /// A group takes at most this many commits, to bound its latency.
  static constexpr size_t max_group_commits = 4096;
};

coordinator_actor::behavior_type
coordinator_impl(coordinator_actor::stateful_pointer<coordinator_state> self,
                 coordinator_config config);

} // namespace moss
