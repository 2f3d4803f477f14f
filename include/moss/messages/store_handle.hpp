// The typed handles of a store front (the store actor, a peer's session)
// and of the gateway a server publishes.
// Declared here, not in actors/interfaces.hpp, because a type-ID block (the
// second of mossdb's) registers it: a gateway hands it to other nodes.
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <moss/messages/type_ids.hpp>

namespace moss {

/// The public face of a store, for CAF actors in this process or on other
/// nodes.
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

/// What mossd (and moss::serve) publishes: hands each peer a session of its
/// own (a store front bounded by peer_limits) that ends when `anchor` does,
/// or its node disconnects. A peer that kills its session ends only its own;
/// one that kills the gateway is answered by a new one (see tools/mossd).
///
/// A replica's hello (mossd --replica-of) gets a feed of its own instead:
/// the actor that streams it frames and takes its acks (see
/// actors/replica_feed.hpp); the sink receives (repl_atom, repl_frame).
using gateway_actor = caf::typed_actor<
  caf::replies_to<hello_atom, caf::actor>::with<store_actor>,
  caf::replies_to<replicate_atom, repl_hello, caf::actor>::with<caf::actor>>;

} // namespace moss

// A second block, after the first: the handle's type needs the atoms.
CAF_BEGIN_TYPE_ID_BLOCK(moss_handles, caf::id_block::moss::end)
  CAF_ADD_TYPE_ID(moss_handles, (moss::store_actor))
CAF_END_TYPE_ID_BLOCK(moss_handles)
