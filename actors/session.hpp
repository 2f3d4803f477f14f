// The gateway mossd publishes and the peer sessions it opens. Gateway owns:
// nothing but the store front it hands out and the shared session counts;
// receives hello from peers, spawning one session per hello, and replicate
// from replicas, spawning one feed (actors/replica_feed.hpp) per replica. A session is a
// store front (actors/store.hpp) bounded by peer_limits; it monitors the
// peer's anchor and the owning store and ends with either. Neither links to
// the store, so an exit sent to a gateway or a session never reaches it.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include <caf/node_id.hpp>

#include <moss/remote.hpp>

#include "actors/replica_feed.hpp"
#include "actors/store.hpp"

namespace moss {

/// Sessions open per peer node, shared by the gateways one server runs in
/// turn (a replaced gateway keeps counting).
/// Tells `log` (if set) of each session opened and closed.
class session_counts {
public:
  explicit session_counts(std::function<void(std::string_view)> log = {}) : log_(std::move(log)) {}

  /// Counts a session of `node`; false when it already has `max`.
  bool open(const caf::node_id& node, size_t max);
  void close(const caf::node_id& node);
  /// Sessions open, over all nodes.
  size_t total() const;

private:
  mutable std::mutex mu_;
  std::unordered_map<caf::node_id, size_t> open_;
  size_t total_ = 0;
  std::function<void(std::string_view)> log_;
};

struct gateway_state {
  store_front front;
  caf::actor owner;  ///< the store actor; sessions end with it
  std::shared_ptr<session_counts> counts;
  replication_source repl;  ///< what a replica's feed streams from
  static inline const char* name = "moss.gateway";
};

gateway_actor::behavior_type gateway_impl(gateway_actor::stateful_pointer<gateway_state> self,
                                          store_front front, caf::actor owner,
                                          std::shared_ptr<session_counts> counts,
                                          replication_source repl);

/// A gateway over a started store (counts: shared with the gateways that
/// replace it; null: its own).
gateway_actor spawn_gateway(caf::actor_system& sys, const store_front& front, const store_actor& owner,
                            std::shared_ptr<session_counts> counts = nullptr,
                            replication_source repl = {});

/// A store front for one peer: answers as the store does, bounded by
/// `front.peer`; ends when `anchor` or `owner` does.
store_actor::behavior_type session_impl(store_ptr self, store_front front, caf::actor anchor,
                                        caf::actor owner);

// open_session and spawn_anchor, the peer's side of hello: see <moss/remote.hpp>.

} // namespace moss
