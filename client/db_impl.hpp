// The embedded facade's private state: the actor system it runs the store in,
// the store's parts, and the closed flag. Lifecycle notes:
//   - reads use the keyspace directly and only check `closed`;
//   - senders hold `life` shared while they check `closed` and send, so close
//     (which takes it exclusively to flip `closed`) never races a send;
//   - close drains the coordinator, stops the actors, then drops the system.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "actors/spawn_store.hpp"
#include "client/db.hpp"

namespace moss {

struct db::impl {
  options opts;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  store_parts parts;
  std::shared_ptr<keyspace> ks;  ///< outlives the actors, for racing readers
  std::atomic<bool> closed{false};
  mutable std::shared_mutex life;

  /// Sends `req` to the coordinator; the outcome goes to `done`.
  void submit(txn_request req, std::shared_ptr<completion> done);
  /// Submits and waits.
  result<txn_result> commit(txn_request req);
  /// Commits one op and says whether it found its key (del, persist).
  result<bool> commit_one(txn_op op);
  status shutdown();
};

} // namespace moss
