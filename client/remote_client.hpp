// The actor behind a remote moss::db's calls that are not batched (scans,
// stats, compaction). Owns: those calls in flight to one remote store actor,
// and whether that store is still reachable. Receives: single_call_ptr from
// the facade's threads. Sends: each call as a request of its own with the
// call timeout; answers to each call's completion. Monitors the store: when
// the connection is lost, every pending call and every later one, and every
// call of the db's call pipe (client/call_pipe.hpp), fails with
// errc::unreachable at once. Expires the pipe's calls past their deadline.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <moss/result.hpp>

#include "actors/interfaces.hpp"

namespace moss {

struct remote_client_state;
using remote_client_ptr = caf::stateful_actor<remote_client_state>*;

/// One call to the remote store and whoever waits for its answer. A call
/// dropped unanswered (the client stopped) completes with errc::closed.
class remote_call {
public:
  virtual ~remote_call() = default;
  virtual void fail(status st) = 0;
};

/// A get, exists or txn: travels as one item of a call batch (client/call_pipe.hpp).
class batch_item : public remote_call {
public:
  /// The call to put in the batch (taken once).
  virtual call take_call() = 0;
  virtual void answer(call_answer& a) = 0;
};

/// Any other call: a request of its own.
class single_call : public remote_call {
public:
  /// Sends the request as call `id` of `self`.
  virtual void send(remote_client_ptr self, uint64_t id) = 0;
};

using batch_item_ptr = std::shared_ptr<batch_item>;
using single_call_ptr = std::shared_ptr<single_call>;

struct remote_client_state {
  store_actor store;
  caf::timespan timeout;
  std::string where;  ///< "host:port", for messages
  status gone;        ///< ok while the store is reachable
  uint64_t next_id = 0;
  std::unordered_map<uint64_t, single_call_ptr> pending;  ///< single calls out
  caf::strong_actor_ptr pipe;  ///< the db's batched calls (client/call_pipe.hpp)

  /// Removes single call `id`; null if it was already answered or failed.
  single_call_ptr take(uint64_t id);
  /// A CAF error as the caller sees it (timeouts and lost peers named).
  status describe(const caf::error& err) const;

  static inline const char* name = "moss.remote_client";
};

/// `pipe`: this db's call pipe, whose calls the client fails when the store
/// is lost and expires past their deadline.
caf::behavior remote_client(remote_client_ptr self, store_actor store, caf::timespan timeout,
                            std::string where, caf::strong_actor_ptr pipe);

/// A CAF error of a call to `where` as the caller sees it (timeouts and lost
/// peers named).
status describe_call_error(const caf::error& err, const std::string& where, caf::timespan timeout);

/// Hands a call's `T` outcome to `done` exactly once (errc::closed if dropped).
template <class T, class Base>
class call_base : public Base {
public:
  explicit call_base(std::function<void(result<T>)> done) : done_(std::move(done)) {}
  ~call_base() override {
    if (done_)
      done_(status{errc::closed, "the connection was closed before the answer came"});
  }
  void fail(status st) override { finish(std::move(st)); }

protected:
  void finish(result<T> r) {
    if (auto done = std::exchange(done_, nullptr))
      done(std::move(r));
  }

private:
  std::function<void(result<T>)> done_;
};

/// A get (T = lookup_result), exists (bool) or txn (txn_result) in a batch.
template <class T>
class batched_call final : public call_base<T, batch_item> {
public:
  batched_call(std::function<void(result<T>)> done, call c)
    : call_base<T, batch_item>(std::move(done)), call_(std::move(c)) {}

  call take_call() override { return std::move(call_); }
  void answer(call_answer& a) override {
    if (a.code != errc::ok)
      this->finish(status{a.code, std::move(a.message)});
    else if constexpr (std::is_same_v<T, lookup_result>)
      this->finish(std::move(a.lookup));
    else if constexpr (std::is_same_v<T, bool>)
      this->finish(a.exists);
    else
      this->finish(std::move(a.txn));
  }

private:
  call call_;
};

/// A request of the store's `T`-returning message `Ts...`, sent alone.
template <class T, class... Ts>
class request_call final : public call_base<T, single_call> {
public:
  request_call(std::function<void(result<T>)> done, Ts... xs)
    : call_base<T, single_call>(std::move(done)), args_(std::move(xs)...) {}

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

private:
  std::tuple<Ts...> args_;
};

} // namespace moss

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(moss::single_call_ptr)
