// The facade's commit intake: it rings the coordinator once per burst, hands
// commits over in order, and never lets a commit wait for a coordinator that
// is gone; through the coordinator, a burst becomes consecutive revisions.
#include <caf/exit_reason.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <gtest/gtest.h>

#include <moss/messages/errors.hpp>

#include "actors/commit_intake.hpp"
#include "tests/actors/store_fixture.hpp"

namespace moss {
namespace {

local_commit commit_of(std::string key, std::shared_ptr<reply_slot> slot) {
  return local_commit{txn_request::of(txn_op::put(std::move(key), "v")), std::make_shared<reply_token>(slot)};
}

TEST(CommitIntakeTest, OnlyTheAppendToAnEmptyIntakeRings) {
  commit_intake intake;
  EXPECT_TRUE(intake.push(commit_of("a", std::make_shared<reply_slot>())));
  EXPECT_FALSE(intake.push(commit_of("b", std::make_shared<reply_slot>())));
  EXPECT_FALSE(intake.push(commit_of("c", std::make_shared<reply_slot>())));
  std::vector<local_commit> taken;
  intake.take(taken);
  ASSERT_EQ(taken.size(), 3u);
  EXPECT_EQ(taken[0].req.success[0].key, "a");
  EXPECT_EQ(taken[1].req.success[0].key, "b");
  EXPECT_EQ(taken[2].req.success[0].key, "c");
  EXPECT_TRUE(intake.push(commit_of("d", std::make_shared<reply_slot>()))) << "empty again after take";
}

TEST(CommitIntakeTest, ClosingAnswersWhatWaitsAndWhatComesLaterWithClosed) {
  commit_intake intake;
  auto waiting = std::make_shared<reply_slot>();
  (void) intake.push(commit_of("a", waiting));
  EXPECT_FALSE(waiting->ready());
  intake.close();
  ASSERT_TRUE(waiting->ready());
  EXPECT_EQ(waiting->wait().error().code(), errc::closed);
  auto late = std::make_shared<reply_slot>();
  EXPECT_FALSE(intake.push(commit_of("b", late))) << "nobody to ring";
  ASSERT_TRUE(late->ready());
  EXPECT_EQ(late->wait().error().code(), errc::closed);
}

class CommitIntakeStoreTest : public test::store_fixture {
protected:
  CommitIntakeStoreTest() {
    options opts;
    opts.shards = 2;
    start(opts);
    sched_->run();
  }
};

TEST_F(CommitIntakeStoreTest, ABurstIsOneRingAndConsecutiveRevisionsInOrder) {
  // As the facade hands commits over (submit_commit): it rings only when an
  // append found the intake empty, so a burst appended before the
  // coordinator runs rings once.
  std::vector<std::shared_ptr<reply_slot>> slots;
  int rings = 0;
  for (int i = 0; i < 100; ++i) {
    slots.push_back(std::make_shared<reply_slot>());
    if (parts_.intake->push(commit_of("k" + std::to_string(i % 7), slots.back()))) {
      ++rings;
      caf::anon_send(parts_.coordinator, commit_atom_v);
    }
  }
  EXPECT_EQ(rings, 1);
  sched_->run();
  revision last = 0;
  for (auto& s : slots) {
    ASSERT_TRUE(s->ready());
    auto& r = s->wait();
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->rev, last + 1) << "a burst commits in the order it was handed over";
    last = r->rev;
  }
  EXPECT_EQ(last, 100u);
  EXPECT_EQ(parts_.ks->get("k6")->value, "v");
  EXPECT_EQ(parts_.ks->applied_rev(), 100u);
}

TEST_F(CommitIntakeStoreTest, CommitsWaitingForAKilledCoordinatorAreAnsweredClosed) {
  // In the intake, its ring not yet handled, when the coordinator is killed.
  auto waiting = std::make_shared<reply_slot>();
  ASSERT_TRUE(parts_.intake->push(commit_of("a", waiting)));
  caf::anon_send_exit(parts_.coordinator, caf::exit_reason::kill);
  sched_->run();
  ASSERT_TRUE(waiting->ready()) << "a commit waits for a coordinator that is gone";
  EXPECT_EQ(waiting->wait().error().code(), errc::closed);
  // Handed over after it is gone.
  auto late = commit(txn_request::of(txn_op::put("c", "3")));
  sched_->run();
  ASSERT_TRUE(late->ready());
  EXPECT_EQ(late->wait().error().code(), errc::closed);
}

} // namespace
} // namespace moss
