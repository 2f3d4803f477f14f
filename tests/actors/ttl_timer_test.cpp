// The TTL timer on CAF's deterministic test coordinator with a manual clock:
// no sleeps. Expiry is a committed, logged change with its own event kind,
// and every rule the Go original gets wrong is checked.
#include <optional>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <gtest/gtest.h>

#include "actors/spawn_store.hpp"
#include "tests/actors/store_fixture.hpp"

using namespace std::chrono_literals;

namespace moss {
namespace {

struct change {
  change_kind kind;
  std::string key;
  revision rev;
  friend bool operator==(const change&, const change&) = default;
};

class TtlTimerTest : public test::store_fixture {
protected:
  TtlTimerTest() {
    options opts;
    opts.shards = 2;
    opts.clock = clock_;
    start(opts);
    auto listener = sys_->spawn([this](change_listener::pointer) -> change_listener::behavior_type {
      return {[this](change_atom, const group_ptr& g) {
        for (const auto& op : g->ops)
          changes_.push_back({op.kind, op.key, op.rev});
      }};
    });
    caf::anon_send(parts_.coordinator, subscribe_atom_v, subscription{listener, false, false});
    sched_->run();
    listener_ = listener;
  }
  ~TtlTimerTest() override { caf::anon_send_exit(listener_, caf::exit_reason::user_shutdown); }
  void commit(txn_request req) {
    (void) store_fixture::commit(std::move(req));
    sched_->run();
  }
  void set(const std::string& key, std::optional<std::chrono::nanoseconds> ttl = std::nullopt) {
    commit(txn_request::of(txn_op::put(key, "v", ttl)));
  }
  // Moves both clocks: the store's and the scheduler's (which fires timers).
  void advance(std::chrono::nanoseconds d) {
    clock_->advance(d);
    sched_->advance_time(std::chrono::duration_cast<caf::timespan>(d));
    sched_->run();
  }
  bool stored(const std::string& key) { return parts_.ks->get(key, false, true).has_value(); }
  std::vector<change> expiries() {
    std::vector<change> out;
    for (auto& c : changes_)
      if (c.kind == change_kind::expire)
        out.push_back(c);
    return out;
  }

  std::shared_ptr<manual_time_source> clock_ = std::make_shared<manual_time_source>();
  change_listener listener_;
  std::vector<change> changes_;
};

TEST_F(TtlTimerTest, AKeyExpiresAtItsDeadlineAsACommittedExpireChange) {
  set("session", 100ms);
  advance(99ms);
  EXPECT_TRUE(stored("session"));
  EXPECT_TRUE(expiries().empty());
  advance(1ms);
  EXPECT_FALSE(stored("session"));  // removed, not just hidden
  EXPECT_EQ(expiries(), (std::vector<change>{{change_kind::expire, "session", 2}}));
}

TEST_F(TtlTimerTest, ChangingTheTtlFrom100msTo10sKeepsTheKeyAlivePast100ms) {
  set("k", 100ms);
  set("k", 10s);
  advance(200ms);
  EXPECT_TRUE(stored("k"));
  EXPECT_TRUE(expiries().empty());
  advance(10s);
  EXPECT_FALSE(stored("k"));
}

TEST_F(TtlTimerTest, APlainSetClearsAnExistingTtl) {
  set("k", 100ms);
  set("k");
  advance(1s);
  EXPECT_TRUE(stored("k"));
  EXPECT_TRUE(expiries().empty());
}

TEST_F(TtlTimerTest, DeletingAKeyWithoutTtlLeavesOtherExpiriesIntact) {
  set("a", 100ms);
  set("plain");
  set("c", 200ms);
  commit(txn_request::of(txn_op::del("plain")));
  advance(100ms);
  EXPECT_FALSE(stored("a"));
  EXPECT_TRUE(stored("c"));
  advance(100ms);
  EXPECT_FALSE(stored("c"));
  EXPECT_EQ(expiries().size(), 2u);
}

TEST_F(TtlTimerTest, AnOldDeadlineNeverRemovesAKeySetAgain) {
  set("k", 100ms);
  int64_t old_deadline = parts_.ks->get("k")->meta.expiry;
  set("k", 1h);  // re-set before the old timer's expire_if reaches the coordinator
  commit(txn_request::of(txn_op::expire_if("k", old_deadline)));
  EXPECT_TRUE(stored("k"));
  EXPECT_TRUE(expiries().empty());
}

TEST_F(TtlTimerTest, ManyKeysDueTogetherExpireInFewBatchedCommits) {
  txn_request many;
  for (int i = 0; i < 10'000; ++i)
    many.success.push_back(txn_op::put("k" + std::to_string(i), "v", 50ms));
  commit(many);
  advance(50ms);
  EXPECT_EQ(expiries().size(), 10'000u);
  std::set<revision> revs;
  for (auto& c : expiries())
    revs.insert(c.rev);
  EXPECT_EQ(revs.size(), 3u);  // 4,096 expiries per commit
  EXPECT_EQ(parts_.ks->size(), 0u);
}

TEST_F(TtlTimerTest, PersistDropsTheDeadline) {
  set("k", 100ms);
  commit(txn_request::of(txn_op::persist("k")));
  EXPECT_EQ(parts_.ks->get("k")->meta.expiry, 0);
  advance(1s);
  EXPECT_TRUE(stored("k"));
}

} // namespace
} // namespace moss
