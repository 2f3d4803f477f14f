// The gateway mossd publishes and the peer sessions it opens. Gateway owns:
// nothing but the store front it hands out and the shared session counts;
// receives hello from peers; spawns one session per hello. A session is a
// store front (actors/store.hpp) bounded by peer_limits; it monitors the
// peer's anchor and the owning store and ends with either. Neither links to
// the store, so an exit sent to a gateway or a session never reaches it.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <caf/node_id.hpp>

#include "actors/store.hpp"

namespace moss {

/// Sessions open per peer node, shared by the gateways one server runs in
/// turn (a replaced gateway keeps counting).
class session_counts {
public:
  /// Counts a session of `node`; false when it already has `max`.
  bool open(const caf::node_id& node, size_t max);
  void close(const caf::node_id& node);

private:
  std::mutex mu_;
  std::unordered_map<caf::node_id, size_t> open_;
};

struct gateway_state {
  store_front front;
  caf::actor owner;  ///< the store actor; sessions end with it
  std::shared_ptr<session_counts> counts;
  static inline const char* name = "moss.gateway";
};

gateway_actor::behavior_type gateway_impl(gateway_actor::stateful_pointer<gateway_state> self,
                                          store_front front, caf::actor owner,
                                          std::shared_ptr<session_counts> counts);

/// A gateway over a started store (counts: shared with the gateways that
/// replace it; null: its own).
gateway_actor spawn_gateway(caf::actor_system& sys, const store_front& front, const store_actor& owner,
                            std::shared_ptr<session_counts> counts = nullptr);

/// A store front for one peer: answers as the store does, bounded by
/// `front.peer`; ends when `anchor` or `owner` does.
store_actor::behavior_type session_impl(store_ptr self, store_front front, caf::actor anchor,
                                        caf::actor owner);

/// The peer's side of hello: asks `gw` for a session anchored to `anchor`
/// (an actor of the caller's system that lives as long as the session is
/// used), waiting at most `timeout`.
result<store_actor> open_session(caf::actor_system& sys, const gateway_actor& gw,
                                 const caf::actor& anchor, caf::timespan timeout);

/// An actor that does nothing until it is told to exit: a session's anchor.
caf::actor spawn_anchor(caf::actor_system& sys);

} // namespace moss
