// The remote back end of moss::db: a small actor system of its own, with the
// middleman (and the openssl module under TLS), connected to a store actor
// published by mossd. Gets, exists and txns go through the call pipe, which
// batches concurrent calls; the others through the remote_client actor. Each
// call is bounded by the call timeout and fails at once if the node is gone.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <moss/connect_options.hpp>

#include "client/db_impl.hpp"
#include "client/remote_client.hpp"

namespace moss {

class remote_impl final : public db::impl {
public:
  static result<std::unique_ptr<remote_impl>> connect(const std::string& host, uint16_t port,
                                                      const connect_options& opts);
  ~remote_impl() override;

  const limits& limit() const override { return opts_.limit; }
  bool closed() const noexcept override { return closed_.load(std::memory_order_acquire); }
  /// This machine's clock: a remote key's TTL is only as exact as the clocks agree.
  int64_t now_ns() const override;

  result<std::optional<kv>> entry(std::string_view key) override;
  result<bool> exists(std::string_view key) override;
  result<scan_result> scan(const scan_request& req) override;
  void submit(txn_request req, std::shared_ptr<completion> done) override;
  result<store_stats> stats() override;
  result<revision> compact() override;
  void start_watch(watch_request req, std::shared_ptr<watch_channel> ch) override;
  status close() override;
  bool remote() const noexcept override { return true; }
  /// A sync commit, through the call pipe.
  result<txn_result> commit(txn_request req) override;

  /// The remote store actor itself, for CAF code that wants to request it.
  const store_actor& store() const { return store_; }

private:
  remote_impl() = default;

  /// Polls stats until the store's revision reaches `want` (errc::timeout
  /// after `patience`).
  status wait_for_revision(revision want, std::chrono::milliseconds patience);

  /// Hands a batch item to the call pipe, any other call to the client
  /// actor (or fails it if the db is closed). True if the call shares the
  /// pipe with others.
  template <class Ptr>
  bool send_call(Ptr c);
  /// Sends the call make_call(done) builds and waits for its `T` answer.
  template <class T, class MakeCall>
  result<T> wait_for(MakeCall make_call);
  /// Sends the store `xs...` alone and waits for its `T` answer.
  template <class T, class... Ts>
  result<T> ask(Ts... xs);
  /// Sends `c` in a call batch and waits for its `T` answer.
  template <class T>
  result<T> ask_batched(call c);

  connect_options opts_;
  std::string where_;
  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  store_actor store_;   ///< this db's session at the node
  caf::actor anchor_;   ///< the session lives as long as this actor
  caf::actor client_;
  caf::strong_actor_ptr pipe_;  ///< gets, exists and txns (client/call_pipe.hpp)
  std::atomic<bool> closed_{false};
  mutable std::shared_mutex life_;
  std::mutex bridges_mu_;
  std::vector<caf::actor_addr> bridges_;  ///< watch bridges, stopped at close
};

} // namespace moss
