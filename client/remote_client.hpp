// The actor behind a remote moss::db. Owns: the calls in flight to one remote
// store actor, and whether that store is still reachable. Receives: calls from
// the facade's threads (remote_call_ptr). Sends: each call's request to the
// store, with the call's timeout; the answer to the call's completion.
// Monitors the store: when the connection is lost, every pending call and
// every later one fails with errc::unreachable at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <unordered_map>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/interfaces.hpp"
#include "common/result.hpp"

namespace moss {

struct remote_client_state;
using remote_client_ptr = caf::stateful_actor<remote_client_state>*;

/// One request to the remote store and whoever waits for its answer. A call
/// dropped unanswered (the client stopped) completes with errc::closed.
class remote_call {
public:
  virtual ~remote_call() = default;
  /// Sends the request as call `id` of `self`.
  virtual void send(remote_client_ptr self, uint64_t id) = 0;
  virtual void fail(status st) = 0;
};

using remote_call_ptr = std::shared_ptr<remote_call>;

struct remote_client_state {
  store_actor store;
  caf::timespan timeout;
  std::string where;  ///< "host:port", for messages
  status gone;        ///< ok while the store is reachable
  uint64_t next_id = 0;
  std::unordered_map<uint64_t, remote_call_ptr> pending;

  /// Removes call `id`; null if it was already answered or failed.
  remote_call_ptr take(uint64_t id);
  /// A CAF error as the caller sees it (timeouts and lost peers named).
  status describe(const caf::error& err) const;

  static inline const char* name = "moss.remote_client";
};

caf::behavior remote_client(remote_client_ptr self, store_actor store, caf::timespan timeout,
                            std::string where);

/// A call of the store's `T`-returning message `Ts...`; its answer goes to `done`.
template <class T, class... Ts>
class request_call final : public remote_call {
public:
  request_call(std::function<void(result<T>)> done, Ts... xs)
    : done_(std::move(done)), args_(std::move(xs)...) {}

  ~request_call() override {
    if (done_)
      done_(status{errc::closed, "the connection was closed before the answer came"});
  }

  void send(remote_client_ptr self, uint64_t id) override {
    std::apply(
      [&](auto&... xs) {
        self->request(self->state.store, self->state.timeout, std::move(xs)...)
          .then(
            [self, id](T& answer) {
              if (auto c = self->state.take(id))
                static_cast<request_call&>(*c).finish(std::move(answer));
            },
            [self, id](caf::error& err) {
              if (auto c = self->state.take(id))
                c->fail(self->state.describe(err));
            });
      },
      args_);
  }

  void fail(status st) override { finish(std::move(st)); }

private:
  void finish(result<T> r) {
    if (auto done = std::exchange(done_, nullptr))
      done(std::move(r));
  }

  std::function<void(result<T>)> done_;
  std::tuple<Ts...> args_;
};

} // namespace moss

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(moss::remote_call_ptr)
