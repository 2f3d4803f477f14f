// Stores across CAF nodes, for CAF programs: serve a store to other nodes
// (what mossd does, inside your own actor system), and open a session on a
// store another node serves. moss::db::connect does the second for you.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/timespan.hpp>

#include <moss/messages/store_handle.hpp>
#include <moss/options.hpp>
#include <moss/result.hpp>

namespace moss {

/// A store this node publishes to others; stop() (or the destructor) stops
/// publishing and closes the store cleanly.
class served_store {
public:
  served_store(served_store&&) noexcept;
  served_store& operator=(served_store&&) noexcept;
  ~served_store();

  uint16_t port() const noexcept;
  /// The store itself, for this process's actors.
  store_actor store() const;
  /// Unpublishes, then finishes every accepted commit and syncs the log.
  status stop();

  struct impl;

private:
  friend result<served_store> serve(caf::actor_system&, const options&, uint16_t, const std::string&);
  explicit served_store(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

/// Starts a store and publishes its gateway on `host:port` (0: any free
/// port) through the system's middleman, which must be loaded
/// (cfg.load<caf::io::middleman>()). Plain TCP, no authentication: bind a
/// loopback address, or use mossd with TLS to reach other machines.
result<served_store> serve(caf::actor_system& sys, const options& opts, uint16_t port = 0,
                           const std::string& host = "127.0.0.1");

/// An actor that does nothing until it is told to exit: a session's anchor.
/// Keep it alive as long as the session is used.
caf::actor spawn_anchor(caf::actor_system& sys);

/// Asks the gateway `gw` (caf::io::remote_actor<gateway_actor>) for a session
/// anchored to `anchor`, waiting at most `timeout`; the session answers as
/// the store does, bounded by the server's peer limits.
result<store_actor> open_session(caf::actor_system& sys, const gateway_actor& gw,
                                 const caf::actor& anchor, caf::timespan timeout);

} // namespace moss
