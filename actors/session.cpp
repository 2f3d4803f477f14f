// Gateway and session behaviors: hello, per-node session counts, session lifetime.
#include "actors/session.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include <moss/messages/errors.hpp>

namespace moss {

namespace {

// What an actor reachable from other nodes says to a message it does not
// know, instead of CAF's default of printing it: an error to a request,
// nothing to the rest.
caf::result<caf::message> refuse_unknown(caf::scheduled_actor*, caf::message_view&) {
  return to_error(status{errc::invalid_argument, "unknown request"});
}

} // namespace

bool session_counts::open(const caf::node_id& node, size_t max) {
  std::lock_guard lk(mu_);
  size_t& n = open_[node];
  if (n >= max) {
    if (log_)
      log_("peer " + to_string(node) + " refused: it has " + std::to_string(n) + " sessions open");
    return false;
  }
  ++n;
  ++total_;
  if (log_)
    log_("peer " + to_string(node) + " connected (" + std::to_string(n) + " of its sessions, "
         + std::to_string(total_) + " in all)");
  return true;
}

void session_counts::close(const caf::node_id& node) {
  std::lock_guard lk(mu_);
  auto it = open_.find(node);
  if (it == open_.end())
    return;
  const size_t left = --it->second;
  --total_;
  if (left == 0)
    open_.erase(it);
  if (log_)
    log_("peer " + to_string(node) + " disconnected (" + std::to_string(left) + " of its sessions, "
         + std::to_string(total_) + " in all)");
}

size_t session_counts::total() const {
  std::lock_guard lk(mu_);
  return total_;
}

gateway_actor::behavior_type gateway_impl(gateway_actor::stateful_pointer<gateway_state> self,
                                          store_front front, caf::actor owner,
                                          std::shared_ptr<session_counts> counts,
                                          replication_source repl) {
  auto& st = self->state;
  st.repl = std::move(repl);
  st.front = std::move(front);
  st.owner = std::move(owner);
  st.counts = std::move(counts);
  self->set_default_handler(refuse_unknown);
  self->set_exit_handler([](caf::exit_msg&) {});  // a peer's exit (but kill) does not end it
  self->monitor(st.owner);
  self->set_down_handler([self](caf::down_msg& msg) {
    if (msg.source == self->state.owner.address())
      self->quit();
  });
  return {
    [self](hello_atom, caf::actor& anchor) -> caf::result<store_actor> {
      auto& st = self->state;
      const auto& from = self->current_sender();
      // The anchor must live where the hello came from: sessions are
      // counted per node, and a peer must not count against another.
      if (!anchor || !from || anchor.node() != from->node())
        return to_error(status{errc::invalid_argument,
                               "hello needs an anchor actor on the sender's own node"});
      const caf::node_id node = anchor.node();
      if (!st.counts->open(node, st.front.peer.max_sessions_per_node))
        return to_error(status{errc::busy, "this node already has "
                                             + std::to_string(st.front.peer.max_sessions_per_node)
                                             + " sessions open"});
      auto session = self->spawn(session_impl, st.front, std::move(anchor), st.owner);
      caf::actor_cast<caf::actor>(session)->attach_functor(
        [counts = st.counts, node](const caf::error&) { counts->close(node); });
      return session;
    },
    [self](replicate_atom, repl_hello& hello, caf::actor& sink) -> caf::result<caf::actor> {
      auto& st = self->state;
      const auto& from = self->current_sender();
      if (!sink || !from || sink.node() != from->node())
        return to_error(status{errc::invalid_argument, "replicate needs a sink actor on the sender's own node"});
      if (!st.repl.hub)
        return to_error(status{errc::invalid_argument, "this server takes no replicas"});
      // A feed counts as a session of the replica's node.
      const caf::node_id node = sink.node();
      if (!st.counts->open(node, st.front.peer.max_sessions_per_node))
        return to_error(status{errc::busy, "this node already has "
                                             + std::to_string(st.front.peer.max_sessions_per_node)
                                             + " sessions open"});
      if (hello.name.size() > 256)
        hello.name.resize(256);
      auto feed = spawn_replica_feed(self->system(), st.repl, std::move(sink), std::move(hello));
      feed->attach_functor([counts = st.counts, node](const caf::error&) { counts->close(node); });
      return feed;
    },
  };
}

gateway_actor spawn_gateway(caf::actor_system& sys, const store_front& front, const store_actor& owner,
                            std::shared_ptr<session_counts> counts, replication_source repl) {
  if (!counts)
    counts = std::make_shared<session_counts>();
  return sys.spawn(gateway_impl, front, caf::actor_cast<caf::actor>(owner), std::move(counts), std::move(repl));
}

store_actor::behavior_type session_impl(store_ptr self, store_front front, caf::actor anchor,
                                        caf::actor owner) {
  auto& st = self->state;
  st.front = std::move(front);
  st.bounded = true;
  self->set_default_handler(refuse_unknown);
  // Exits other than kill (a peer may send any) do not end it.
  self->set_exit_handler([](caf::exit_msg&) {});
  // The peer's anchor goes down when the peer closes or its node disconnects;
  // the owner when the store stops. Either ends the session.
  self->monitor(anchor);
  self->monitor(owner);
  self->set_down_handler([self](caf::down_msg&) { self->quit(); });
  return store_front_behavior(self);
}

result<store_actor> open_session(caf::actor_system& sys, const gateway_actor& gw,
                                 const caf::actor& anchor, caf::timespan timeout) {
  caf::scoped_actor self{sys};
  std::optional<result<store_actor>> out;
  self->request(gw, timeout, hello_atom_v, anchor)
    .receive([&](store_actor& s) { out.emplace(std::move(s)); },
             [&](caf::error& err) { out.emplace(to_status(err)); });
  return std::move(*out);
}

caf::actor spawn_anchor(caf::actor_system& sys) {
  return sys.spawn([](caf::event_based_actor*) -> caf::behavior { return {[](hello_atom) {}}; });
}

} // namespace moss
