// How moss::db::connect reaches a mossd node: the bound on every call, TLS,
// and the limits checked before a request leaves this process.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <moss/options.hpp>
#include <moss/record_meta.hpp>

namespace moss {

struct connect_options {
  /// No call waits longer than this for its answer (errc::timeout after it);
  /// a lost connection fails every call at once (errc::unreachable).
  std::chrono::milliseconds timeout{5000};
  /// db::connect gives up after this (errc::timeout), also on a host that
  /// never answers. Once connected, a node silent for `peer_timeout`
  /// (heartbeats every peer_timeout / 4) is dropped: its calls and watches
  /// fail with errc::unreachable.
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds peer_timeout{10000};
  /// All three set: connect with TLS (the node runs with --tls-*), presenting
  /// this certificate and trusting the CA file.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_ca;
  /// Requests beyond these fail here with errc::invalid_argument; the node
  /// checks its own limits as well.
  limits limit;
  /// Read-your-writes on a replica: db::connect returns only once the store
  /// has applied this revision (e.g. the one a write on the primary
  /// answered), waiting at most `timeout` (errc::timeout after it). A
  /// store's revision never goes back, so every read on the connection sees
  /// at least this revision. 0: no wait.
  revision min_rev = 0;
  /// Scheduler threads of the client's actor system (0: at most 2).
  size_t threads = 0;

  bool tls() const { return !tls_cert.empty() || !tls_key.empty() || !tls_ca.empty(); }
};

} // namespace moss
