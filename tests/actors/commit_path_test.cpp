// The commit path on the deterministic test coordinator, with a log on disk:
// a group reaches the log before any shard applies it, nobody is answered or
// sees it before both happened, whichever of the two is slower, and a log
// that fails takes the group with it (never applied, writes refused after).
#include <cerrno>
#include <filesystem>
#include <optional>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <gtest/gtest.h>

#include "actors/spawn_store.hpp"
#include "tests/actors/store_fixture.hpp"
#include "persistence/fault_injection_file_system.hpp"
#include "tests/persistence/temp_dir.hpp"

namespace moss {
namespace {

class CommitPathTest : public test::store_fixture {
protected:
  CommitPathTest() {
    options opts;
    opts.dir = dir_.path();
    opts.fs = &fs_;
    opts.fsync = fsync_policy::never;  // the WAL runs on the (test) scheduler
    opts.shards = 2;
    start(opts);
    sched_->run();
  }
  ~CommitPathTest() override { stop(); }  // before fs_ and dir_ go

  // Runs jobs until `who` is the next to run (it is left waiting).
  template <class Handle>
  bool run_until_next_is(const Handle& who) {
    auto* target = caf::actor_cast<caf::abstract_actor*>(who);
    while (sched_->has_job()) {
      if (dynamic_cast<caf::abstract_actor*>(&sched_->next_job<caf::resumable>()) == target)
        return true;
      sched_->run_once();
    }
    return false;
  }

  bool runs_next(const shard_actor& s) {
    return sched_->has_job()
           && dynamic_cast<caf::abstract_actor*>(&sched_->next_job<caf::resumable>())
                == caf::actor_cast<caf::abstract_actor*>(s);
  }

  uint64_t log_bytes() {
    uint64_t n = 0;
    for (auto& f : std::filesystem::directory_iterator(dir_.path()))
      if (f.path().filename().string().starts_with("wal-"))
        n += f.file_size();
    return n;
  }

  test::temp_dir dir_;
  fault_injection_file_system fs_{default_file_system()};
};

TEST_F(CommitPathTest, ALogSlowerThanTheShardsHoldsTheAnswerAndTheVisibility) {
  auto slot = commit(txn_request::of(txn_op::put("a", "1")));
  ASSERT_TRUE(run_until_next_is(parts_.wal));  // the group waits for the log
  EXPECT_FALSE(slot->ready());
  EXPECT_FALSE(parts_.ks->get("a")) << "visible before the log has it";
  EXPECT_EQ(log_bytes(), 0u);
  sched_->run();
  ASSERT_TRUE(slot->ready());
  EXPECT_TRUE(slot->wait());
  EXPECT_TRUE(parts_.ks->get("a"));
  EXPECT_GT(log_bytes(), 0u);
}

TEST_F(CommitPathTest, AShardSlowerThanTheLogHoldsTheAnswerUntilItApplied) {
  auto slot = commit(txn_request::of(txn_op::put("a", "1")));
  ASSERT_TRUE(run_until_next_is(parts_.wal));
  sched_->run_once();  // the log writes the group
  EXPECT_GT(log_bytes(), 0u);
  // Run up to the shard that owns "a", and hold it there.
  const auto& owner = parts_.shards[parts_.ks->shard_of("a")];
  while (sched_->has_job() && !runs_next(owner))
    sched_->run_once();
  ASSERT_TRUE(runs_next(owner));
  EXPECT_FALSE(slot->ready()) << "answered before the group was visible";
  EXPECT_FALSE(parts_.ks->get("a"));
  sched_->run();
  ASSERT_TRUE(slot->ready());
  EXPECT_TRUE(slot->wait());
  EXPECT_EQ(parts_.ks->get("a")->value, "1");
}

TEST_F(CommitPathTest, ALogThatFailsTakesItsGroupAndRefusesLaterWrites) {
  auto kept = commit(txn_request::of(txn_op::put("kept", "1")));
  sched_->run();
  ASSERT_TRUE(kept->wait());
  txn_request multi;
  multi.success = {txn_op::put("x", "1"), txn_op::put("y", "2"), txn_op::del("kept")};
  auto failing = commit(multi);
  auto queued = commit(txn_request::of(txn_op::put("z", "3")));  // waits behind it
  ASSERT_TRUE(run_until_next_is(parts_.wal));
  fs_.fail_writes(ENOSPC, fault_mode::always);
  sched_->run();
  ASSERT_TRUE(failing->ready() && queued->ready());
  EXPECT_EQ(failing->wait().code(), errc::write_failed);
  EXPECT_EQ(queued->wait().code(), errc::write_failed);
  EXPECT_FALSE(parts_.ks->get("x"));
  EXPECT_FALSE(parts_.ks->get("y"));
  EXPECT_TRUE(parts_.ks->get("kept")) << "half of a failed commit was applied";
  EXPECT_FALSE(parts_.ks->get("z"));
  auto later = commit(txn_request::of(txn_op::put("w", "4")));
  sched_->run();
  EXPECT_EQ(later->wait().code(), errc::write_failed);
  EXPECT_EQ(parts_.ks->applied_rev(), 1u);
}

} // namespace
} // namespace moss
