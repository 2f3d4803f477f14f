// The transaction coordinator: the single serializer of commits. Owns: the
// current revision, the queue of commits waiting for the next group, the group
// being applied, and the change listeners. Receives: commit (facade), txn
// (store), subscribe, stats, close. Sends: apply to shards, change to
// listeners, outcomes to reply tokens and response promises.
//
// A commit's path:
//   1. It joins the queue. If no group is being applied, a group starts now;
//      otherwise it waits, and everything that queued meanwhile goes together.
//   2. Each commit of the group gets the next revision if it writes, its
//      compares are evaluated against the committed state plus the group's
//      earlier changes, and its ops become changes.
//   3. Every shard the group touches applies its part (in revision order).
//      The shard that applies the last part answers the embedded callers
//      directly (one hop less) and sends `applied`.
//   4. On `applied`, actor callers are answered, the listeners get the group,
//      and the next group starts.
#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "actors/interfaces.hpp"
#include "core/keyspace.hpp"

namespace moss {

/// A commit waiting for its group, then for its group to be applied.
struct pending_commit {
  txn_request req;
  reply_token_ptr token;                            ///< set for facade commits
  caf::typed_response_promise<txn_result> promise;  ///< set for actor commits
  txn_result result;
};

struct coordinator_state {
  std::shared_ptr<keyspace> ks;
  std::vector<shard_actor> shards;
  revision rev = 0;
  std::deque<pending_commit> queue;
  std::vector<pending_commit> applying;  ///< actor commits of `group`
  group_ptr group;                       ///< the group shards are applying
  std::vector<uint8_t> touched;          ///< scratch: shards the group touches
  std::vector<change_listener> listeners;
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
                 std::shared_ptr<keyspace> ks, std::vector<shard_actor> shards);

} // namespace moss
