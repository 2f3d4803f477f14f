// The message protocol of the whole store, readable in one place: the typed
// interface of every actor.
//
//   peer --hello--> gateway ==spawns==> session (a store front of its own)
//   caller --> store --get/exists--> shard[i]        (i = hash(key) % N)
//                    --scan--------> (reads all shards as one consistent cut)
//                    --txn---------> coordinator --append--> wal
//                                                --apply---> shard[i]...
//   embedded facade --commit-------> coordinator --change--> listeners
#pragma once

#include <string>

#include <caf/replies_to.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <moss/messages/store_handle.hpp>
#include <moss/messages/type_ids.hpp>

#include "actors/local_messages.hpp"

namespace moss {

/// Receives every commit group, in revision order, after shards applied it.
using change_listener = caf::typed_actor<caf::reacts_to<change_atom, group_ptr>>;

/// A listener of the coordinator and what it wants.
struct subscription {
  change_listener listener;
  bool want_prev = false;       ///< groups carry each op's previous value
  bool deadlines_only = false;  ///< only groups that can matter to TTL deadlines
};

/// Owns one shard of the keyspace: applies its part of each commit group
/// (answering `apply` once it has; the shard that applies the group's last
/// part also releases the group's embedded callers) and answers reads of
/// its keys.
using shard_actor = caf::typed_actor<
  caf::replies_to<apply_atom, group_ptr>::with<revision>,
  caf::replies_to<get_atom, std::string>::with<lookup_result>,
  caf::replies_to<exists_atom, std::string>::with<bool>>;

/// Owns the log on disk: writes each commit group (one record per commit,
/// one write(2) per group; under `always` one fdatasync) before any shard
/// applies it, and switches the manifest around a compaction. Besides its
/// answers it sends only `apply`: a group that touches one shard goes from
/// the log straight to that shard, whose answer then answers the append
/// (one hop fewer on the commit path); other groups are answered here.
using wal_actor = caf::typed_actor<
  /// the group is in the kernel (under `always`: synced), and applied too if
  /// it touches one shard; answers the group's last revision
  caf::replies_to<append_atom, group_ptr>::with<revision>,
  /// closes the segment being written and starts the next; answers the
  /// sequence number the next snapshot's file takes
  caf::replies_to<rotate_atom>::with<uint64_t>,
  /// the snapshot is whole: the manifest names it and the segments since the
  /// last rotation, older files are removed; answers the snapshot's revision
  caf::replies_to<install_atom, snapshot_outcome>::with<revision>,
  /// a replica's full sync: the received snapshot (its `name` in the
  /// directory) becomes the whole log, renamed to a snapshot file of its own
  /// with a fresh segment after its revision, both named in the manifest,
  /// every older file removed; answers the snapshot's revision
  caf::replies_to<adopt_atom, snapshot_outcome>::with<revision>,
  caf::replies_to<flush_atom>::with<bool>,  ///< fdatasync now (close)
  caf::reacts_to<tick_atom>>;               ///< its own once-a-second fsync (every_second)

/// The single serializer of commits: assigns revisions, evaluates compares,
/// has the log write each group and then the shards apply it, answers, tells
/// the listeners, and decides and runs compactions.
using coordinator_actor = caf::typed_actor<
  caf::reacts_to<commit_atom, local_commit>,                  ///< one commit (tests, tools)
  caf::reacts_to<commit_atom>,                                ///< the facade's intake rang
  caf::replies_to<txn_atom, txn_request>::with<txn_result>,  ///< the store, the TTL timer
  caf::reacts_to<subscribe_atom, subscription>,
  caf::replies_to<revision_atom>::with<revision>,             ///< the last revision decided
  caf::replies_to<stats_atom>::with<store_stats>,
  caf::reacts_to<close_atom, local_ack>,
  caf::replies_to<compact_atom>::with<revision>,             ///< the store asks
  caf::reacts_to<compact_atom, local_ack>,                    ///< the facade asks
  caf::reacts_to<snap_done_atom, snapshot_outcome>,           ///< its snapshot job ended
  /// a replica's follower: groups its primary decided, logged and applied
  /// here with their revisions; answers the last
  caf::replies_to<replicate_atom, replicated_batch>::with<revision>,
  /// a replica's follower: its primary's snapshot replaces the whole store
  /// (log and keyspace) once no group is in flight; answers its revision
  caf::replies_to<adopt_atom, replica_install>::with<revision>>;

/// Owns the TTL deadline index and one timer; a change listener that commits
/// expiries (expire_if) through the coordinator when deadlines pass.
using ttl_timer_actor = caf::typed_actor<caf::reacts_to<change_atom, group_ptr>,
                                         caf::reacts_to<tick_atom, uint64_t>>;

// store_actor, the public face of a store, is declared in
// messages/store_handle.hpp: its handle travels to other nodes.

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
  /// on behalf of the sender the store front saw; honoured only from the
  /// watch's own subscriber
  caf::reacts_to<unwatch_atom, watch_id, caf::actor_addr>,
  caf::reacts_to<watch_ack_atom, watch_id, uint64_t, caf::actor_addr>,  ///< items consumed in total
  caf::replies_to<stats_atom>::with<watch_stats>,
  caf::reacts_to<progress_atom, uint64_t>,             ///< its own tick (generation)
  /// A replica's feed (actors/replica_feed.hpp) follows the commit stream
  /// from `from`: the groups from the history, then every new one, whole.
  /// Answers the hub's last revision; errc::compacted when the history no
  /// longer reaches back to `from`, errc::invalid_argument when `from` is
  /// past the next revision.
  caf::replies_to<follow_atom, revision, change_listener>::with<revision>,
  /// A replica installed its primary's snapshot at this revision: every
  /// watch ends with errc::compacted, and the history starts after it.
  caf::reacts_to<adopt_atom, revision>>;

} // namespace moss

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(moss::subscription)
