// The direct way of a remote moss::db's calls: a caller alone on the
// connection sends its call straight to the remote store's proxy, and the
// answer is handed to it on the thread that delivers it (the middleman's),
// so no actor is scheduled between the caller and the network either way.
// Owns: the calls sent this way and not answered yet, with their deadlines.
// Receives: only answers to those calls. Sends: call batches of one to the
// store. The client actor fails its calls when the store is lost, and
// expires them past their deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/monitorable_actor.hpp>

#include "client/remote_client.hpp"

namespace moss {

class reply_catcher final : public caf::monitorable_actor {
public:
  reply_catcher(caf::actor_config& cfg, std::string where, caf::timespan timeout);

  /// A catcher of `sys` (not scheduled: it runs on the threads that call
  /// it), held by the returned reference.
  static caf::strong_actor_ptr make(caf::actor_system& sys, std::string where, caf::timespan timeout);
  /// The catcher a reference from make() holds.
  static reply_catcher& of(const caf::strong_actor_ptr& ref) {
    return *static_cast<reply_catcher*>(caf::actor_cast<caf::abstract_actor*>(ref));
  }

  const char* name() const override { return "moss.reply_catcher"; }

  /// An answer from the network: completes its call.
  void enqueue(caf::mailbox_element_ptr what, caf::execution_unit* host) override;

  /// Sends `item` to `store` as a call batch of one; its answer goes to it.
  void send(const store_actor& store, batch_item_ptr item);

  /// Fails every call that is out, and every later one, with `why` (the
  /// store is unreachable, or the db closed).
  void fail_all(const status& why);

  /// Fails the calls whose deadline has passed with errc::timeout.
  void expire(std::chrono::steady_clock::time_point now);

  /// Ends the catcher (at close): it takes no answers after.
  void stop();

private:
  struct out_call {
    batch_item_ptr item;
    std::chrono::steady_clock::time_point deadline;
  };

  const std::string where_;
  const caf::timespan timeout_;
  std::mutex mu_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, out_call> out_;
  std::optional<status> gone_;  ///< set by fail_all: no call goes out again
};

} // namespace moss
