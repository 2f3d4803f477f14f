// The embedded back end of moss::db: the actor system the store runs in, the
// store's parts, and the closed flag. Lifecycle notes:
//   - reads use the keyspace directly and only check `closed_`;
//   - senders hold `life_` shared while they check `closed_` and send, so
//     close (which takes it exclusively to flip `closed_`) never races a send;
//   - close drains the coordinator, stops the actors, then drops the system.
#pragma once

#include <atomic>
#include <memory>
#include <shared_mutex>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "actors/spawn_store.hpp"
#include "client/db_impl.hpp"
#include "core/write_backlog.hpp"

namespace moss {

class embedded_impl final : public db::impl {
public:
  /// Starts the actor system and the store (recovering `opts.dir`).
  static result<std::unique_ptr<embedded_impl>> open(const options& opts);
  ~embedded_impl() override;

  const limits& limit() const override { return opts_.limit; }
  bool closed() const noexcept override { return closed_.load(std::memory_order_acquire); }
  int64_t now_ns() const override { return ks_->clock().now_ns(); }

  result<std::optional<kv>> entry(std::string_view key) override;
  result<bool> exists(std::string_view key) override;
  result<scan_result> scan(const scan_request& req) override;
  void submit(txn_request req, std::shared_ptr<completion> done) override;
  result<store_stats> stats() override;
  result<revision> compact() override;
  void start_watch(watch_request req, std::shared_ptr<watch_channel> ch) override;
  status close() override;
  bool remote() const noexcept override { return false; }

private:
  embedded_impl() = default;

  options opts_;
  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  store_parts parts_;
  std::shared_ptr<keyspace> ks_;  ///< outlives the actors, for racing readers
  std::atomic<bool> closed_{false};
  mutable std::shared_mutex life_;
  std::unique_ptr<write_backlog> backlog_;  ///< writes sent, not yet answered
};

} // namespace moss
