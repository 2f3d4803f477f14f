// The one fixture of the actor tests: a store started on CAF's deterministic
// test coordinator, commits sent the way the embedded facade sends them, and
// a teardown that stops the store and drains every mailbox.
#pragma once

#include <memory>
#include <optional>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <gtest/gtest.h>

#include "actors/spawn_store.hpp"

namespace moss::test {

class store_fixture : public ::testing::Test {
protected:
  store_fixture() {
    cfg_.set("scheduler.policy", caf::atom("testing"));
    add_moss_types(cfg_);
    sys_.emplace(cfg_);
    sched_ = &dynamic_cast<caf::scheduler::test_coordinator&>(sys_->scheduler());
  }

  ~store_fixture() override { stop(); }

  /// Stops the store and drains every mailbox; a fixture whose members the
  /// store uses (a file system, a directory) calls it from its destructor.
  void stop() {
    if (parts_.store)
      caf::anon_send_exit(parts_.store, caf::exit_reason::user_shutdown);
    sched_->run();
    parts_ = {};
  }

  /// Starts the store; call once from the derived fixture's constructor.
  void start(const options& opts) {
    auto parts = start_store(*sys_, opts);
    ASSERT_TRUE(parts) << parts.error().to_string();
    parts_ = std::move(*parts);
  }

  /// Sends a commit the way the embedded facade does (nothing runs yet).
  std::shared_ptr<reply_slot> commit(txn_request req) {
    auto slot = std::make_shared<reply_slot>();
    submit_commit(parts_, local_commit{std::move(req), std::make_shared<reply_token>(slot)});
    return slot;
  }

  caf::actor_system_config cfg_;
  std::optional<caf::actor_system> sys_;
  caf::scheduler::test_coordinator* sched_ = nullptr;
  store_parts parts_;
};

} // namespace moss::test
