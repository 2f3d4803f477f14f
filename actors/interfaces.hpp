// The message protocol of the whole store, readable in one place: the typed
// interface of every actor.
//
//   caller --> store --get/exists--> shard[i]        (i = hash(key) % N)
//                    --scan--------> (reads all shards as one consistent cut)
//                    --txn---------> coordinator --apply--> shard[i]...
//   embedded facade --commit-------> coordinator --change--> listeners
#pragma once

#include <string>

#include <caf/replies_to.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "messages/local.hpp"
#include "messages/type_ids.hpp"

namespace moss {

/// Receives every commit group, in revision order, after shards applied it.
using change_listener = caf::typed_actor<caf::reacts_to<change_atom, group_ptr>>;

/// Owns one shard of the keyspace: applies its part of each commit group
/// (the shard applying the last part answers the group's embedded callers and
/// tells the sender `applied`) and answers reads of its keys.
using shard_actor = caf::typed_actor<
  caf::reacts_to<apply_atom, group_ptr>,
  caf::replies_to<get_atom, std::string>::with<lookup_result>,
  caf::replies_to<exists_atom, std::string>::with<bool>>;

/// Owns the log on disk: appends batches of applied commit groups (one record
/// per commit) with one write, fsyncs by policy, answers `durable` (under
/// `always` after the fsync, and it answers the embedded callers itself),
/// and rotates segments and switches the manifest around a compaction.
using wal_actor = caf::typed_actor<
  caf::reacts_to<append_atom, log_batch>,
  caf::reacts_to<tick_atom>,
  caf::replies_to<flush_atom>::with<bool>,
  caf::reacts_to<rotate_atom, revision, int32_t>,
  caf::reacts_to<snap_done_atom, revision, bool>>;

/// The single serializer of commits: assigns revisions, evaluates compares,
/// has shards apply each group, then answers and tells the listeners.
using coordinator_actor = caf::typed_actor<
  caf::reacts_to<commit_atom, local_commit>,
  caf::reacts_to<applied_atom, revision>,
  caf::replies_to<txn_atom, txn_request>::with<txn_result>,
  /// bools: wants previous values; only groups that matter to deadlines (the TTL timer)
  caf::reacts_to<subscribe_atom, change_listener, bool, bool>,
  caf::replies_to<stats_atom>::with<store_stats>,
  caf::reacts_to<close_atom, local_ack>,
  caf::reacts_to<durable_atom, revision>,                         ///< from the WAL
  caf::reacts_to<wal_fail_atom, std::string>,                     ///< from the WAL
  caf::replies_to<compact_atom>::with<revision>,                  ///< the store (or the WAL) asks
  caf::reacts_to<compact_atom, local_ack>,                        ///< the facade asks
  caf::reacts_to<compacted_atom, revision, bool, std::string>,  ///< from the WAL
  caf::reacts_to<tick_atom>>;                                     ///< time to hand the WAL its batch

/// Owns the TTL deadline index and one timer; a change listener that commits
/// expiries (expire_if) through the coordinator when deadlines pass.
using ttl_timer_actor = caf::typed_actor<caf::reacts_to<change_atom, group_ptr>,
                                         caf::reacts_to<tick_atom, uint64_t>>;

/// The public face of a store, for CAF actors in this process or on other nodes.
using store_actor = caf::typed_actor<
  caf::replies_to<get_atom, std::string>::with<lookup_result>,
  caf::replies_to<exists_atom, std::string>::with<bool>,
  caf::replies_to<scan_atom, scan_request>::with<scan_result>,
  caf::replies_to<txn_atom, txn_request>::with<txn_result>,
  /// many gets, exists and txns in one message (what a remote moss::db sends)
  caf::replies_to<call_atom, call_batch>::with<call_batch_answer>,
  caf::replies_to<stats_atom>::with<store_stats>,
  /// a snapshot at the current revision (its revision), the log before it dropped
  caf::replies_to<compact_atom>::with<revision>,
  caf::replies_to<watch_atom, watch_request, watch_subscriber>::with<watch_created>,
  caf::reacts_to<unwatch_atom, watch_id>,
  caf::reacts_to<watch_ack_atom, watch_id, uint64_t>>;

// -- watch ---------------------------------------------------------------------
//
//   store/facade --watch(request, subscriber)--> hub --batch/end--> subscriber
//   coordinator --change--> hub;   subscriber --ack(consumed)/unwatch--> hub
//
// A subscriber (`watch_subscriber`, declared in messages/watch_subscriber.hpp
// for the type-ID block) gets watch_batch messages, whole commits in revision
// order, then one watch_end. It acknowledges the total number of items it has
// consumed (events, and progress notices: batches without events); the hub
// cancels a watch with errc::overflow when more than its queue limit is
// unacknowledged.

/// Owns every watcher: answers `watch` with the watch's id and start revision
/// (or errc::compacted carrying the oldest available revision, see
/// compact_revision_of), takes `unwatch` and acks, and ticks itself for
/// progress notices. Also a change_listener of the coordinator.
using watch_hub_actor = caf::typed_actor<
  caf::reacts_to<change_atom, group_ptr>,
  caf::replies_to<watch_atom, watch_request, watch_subscriber>::with<watch_created>,
  caf::reacts_to<unwatch_atom, watch_id>,
  caf::reacts_to<watch_ack_atom, watch_id, uint64_t>,  ///< items consumed in total
  caf::replies_to<stats_atom>::with<watch_stats>,
  caf::reacts_to<progress_atom, uint64_t>>;            ///< its own tick (generation)

} // namespace moss
