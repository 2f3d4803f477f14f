// Transaction evaluation: compares, branches, metadata of puts, deletes by
// prefix, and commits that see the earlier commits of their group.
#include <optional>

#include <gtest/gtest.h>

#include "core/txn_eval.hpp"

namespace moss {
namespace {

using namespace std::chrono_literals;

class TxnEvalTest : public ::testing::Test {
protected:
  // Evaluates `req` as the next commit of the current group.
  txn_result run(txn_request req) {
    auto r = run_checked(std::move(req));
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? std::move(*r) : txn_result{};
  }
  result<txn_result> run_checked(txn_request req, size_t max_bytes = 256u << 20) {
    size_t before = ops_.size();
    auto r = evaluate_txn(req, rev_ + 1, ks_, *view_, ops_, max_bytes, log_bytes_);
    if (ops_.size() > before)
      ++rev_;
    return r;
  }
  // Applies the group so far and starts a new one.
  void apply() {
    write_group g;
    g.now = clock_->now_ns();
    g.ops = ops_;
    g.shards_touched = 1;  // applied by every shard below, one after another
    for (size_t i = 0; i < ks_.shard_count(); ++i)
      ks_.apply(i, g);
    ops_.clear();
    view_.emplace(ks_, ops_, clock_->now_ns());
  }

  std::shared_ptr<manual_time_source> clock_ = std::make_shared<manual_time_source>();
  keyspace ks_{engine_kind::hash, 3, clock_};
  std::vector<write_op> ops_;
  std::optional<commit_view> view_{std::in_place, ks_, ops_, clock_->now_ns()};
  revision rev_ = 0;
  size_t log_bytes_ = 0;
};

TEST_F(TxnEvalTest, PutsAreBlindAndTheApplyingShardResolvesTheirMetadata) {
  run(txn_request::of(txn_op::put("k", "one")));
  EXPECT_FALSE(ops_[0].resolved);  // the coordinator looked nothing up
  apply();
  EXPECT_EQ(ks_.get("k")->meta, (record_meta{1, 1, 1, 0}));
  run(txn_request::of(txn_op::put("k", "two")));
  apply();
  EXPECT_EQ(ks_.get("k")->meta, (record_meta{1, 2, 2, 0}));
}

TEST_F(TxnEvalTest, AReadInTheSameGroupResolvesAChainOfBlindPuts) {
  run(txn_request::of(txn_op::put("k", "one")));
  apply();
  run(txn_request::of(txn_op::put("k", "two")));
  run(txn_request::of(txn_op::put("k", "three")));
  auto got = run(txn_request::of(txn_op::get("k")));
  EXPECT_EQ(got.results[0].entry.value, "three");
  EXPECT_EQ(got.results[0].entry.meta, (record_meta{1, 3, 3, 0}));
  EXPECT_TRUE(ops_[0].resolved && ops_[0].existed);
  EXPECT_EQ(ops_[1].prev, 0);
  apply();  // the shard keeps what the coordinator resolved
  EXPECT_EQ(ks_.get("k")->meta, (record_meta{1, 3, 3, 0}));
}

TEST_F(TxnEvalTest, LaterCommitsOfAGroupSeeEarlierOnes) {
  run(txn_request::of(txn_op::put("k", "v1")));
  txn_request cas;
  cas.compares.push_back(compare::value_is("k", "v1"));
  cas.success.push_back(txn_op::put("k", "v2"));
  cas.failure.push_back(txn_op::get("k"));
  auto r = run(cas);
  EXPECT_TRUE(r.succeeded);
  auto get = run(txn_request::of(txn_op::get("k")));
  EXPECT_EQ(get.results[0].entry.value, "v2");
  EXPECT_EQ(get.results[0].entry.meta, (record_meta{1, 2, 2, 0}));
  run(txn_request::of(txn_op::del("k")));
  EXPECT_FALSE(run(txn_request::of(txn_op::get("k"))).results[0].found);
}

TEST_F(TxnEvalTest, EveryCompareTargetAndOperator) {
  run(txn_request::of(txn_op::put("k", "m")));
  run(txn_request::of(txn_op::put("k", "m")));
  apply();  // k: create 1, mod 2, version 2, value "m"
  auto check = [&](compare c) {
    txn_request r;
    r.compares.push_back(std::move(c));
    return run(r).succeeded;
  };
  EXPECT_TRUE(check({"k", compare_target::value, compare_op::equal, "m", 0}));
  EXPECT_TRUE(check({"k", compare_target::value, compare_op::less, "n", 0}));
  EXPECT_TRUE(check({"k", compare_target::value, compare_op::greater, "a", 0}));
  EXPECT_TRUE(check({"k", compare_target::value, compare_op::not_equal, "x", 0}));
  EXPECT_TRUE(check({"k", compare_target::version, compare_op::equal, {}, 2}));
  EXPECT_TRUE(check({"k", compare_target::create_rev, compare_op::equal, {}, 1}));
  EXPECT_TRUE(check({"k", compare_target::mod_rev, compare_op::greater, {}, 1}));
  EXPECT_TRUE(check(compare::exists("k")));
  EXPECT_FALSE(check(compare::missing("k")));
  // A missing key: numbers are 0, and no value compare holds.
  EXPECT_TRUE(check(compare::mod_rev_is("nope", 0)));
  EXPECT_TRUE(check(compare::missing("nope")));
  EXPECT_FALSE(check({"nope", compare_target::value, compare_op::not_equal, "x", 0}));
  EXPECT_EQ(rev_, 2u);  // compares alone spend no revision
}

TEST_F(TxnEvalTest, FailedCompareRunsTheFailureBranch) {
  txn_request r;
  r.compares.push_back(compare::exists("k"));
  r.success.push_back(txn_op::put("k", "updated"));
  r.failure.push_back(txn_op::put("k", "created"));
  auto res = run(r);
  EXPECT_FALSE(res.succeeded);
  EXPECT_EQ(ops_.back().value, "created");
}

TEST_F(TxnEvalTest, DeletePrefixSeesCommittedAndGroupKeys) {
  run(txn_request::of(txn_op::put("app/a", "1")));
  run(txn_request::of(txn_op::put("app/b", "2")));
  run(txn_request::of(txn_op::put("apple", "3")));
  apply();
  run(txn_request::of(txn_op::put("app/c", "4")));  // not yet applied
  run(txn_request::of(txn_op::del("app/a")));       // nor this
  auto r = run(txn_request::of(txn_op::del_prefix("app/")));
  EXPECT_EQ(r.results[0].count, 2u);  // app/b and app/c
  EXPECT_FALSE(run(txn_request::of(txn_op::get("app/c"))).results[0].found);
  EXPECT_TRUE(run(txn_request::of(txn_op::get("apple"))).results[0].found);
}

TEST_F(TxnEvalTest, DeletingAMissingKeyChangesNothing) {
  auto r = run(txn_request::of(txn_op::del("ghost")));
  EXPECT_FALSE(r.results[0].found);
  EXPECT_TRUE(ops_.empty());
}

TEST_F(TxnEvalTest, PutOverAnExpiredKeyCreatesItAnew) {
  txn_request r = txn_request::of(txn_op::put("k", "old", std::chrono::milliseconds{50}));
  run(r);
  apply();
  EXPECT_EQ(ks_.get("k")->meta.expiry, clock_->now_ns() + 50'000'000);
  clock_->advance(60ms);
  apply();  // a new group reads the clock again
  EXPECT_FALSE(run(txn_request::of(txn_op::get("k"))).results[0].found);
  run(txn_request::of(txn_op::put("k", "new")));
  apply();
  EXPECT_EQ(ks_.get("k")->meta, (record_meta{2, 2, 1, 0}));
}

TEST_F(TxnEvalTest, ACommitOverTheRecordLimitIsCutOutOfTheGroupWithoutATrace) {
  run(txn_request::of(txn_op::put("p/1", "v")));
  apply();
  run(txn_request::of(txn_op::put("p/2", "v")));  // in the group, not yet applied
  txn_request big;
  big.success.push_back(txn_op::put("p/3", "v"));
  big.success.push_back(txn_op::put("p/2", "w"));
  big.success.push_back(txn_op::del_prefix("p/"));
  const size_t ops_before = ops_.size();
  auto r = run_checked(big, 60);  // the del_prefix's three deletions do not fit
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::invalid_argument);
  EXPECT_EQ(ops_.size(), ops_before);
  // The view forgot the refused changes: p/2 is the group's earlier put again.
  auto e = view_->lookup("p/2", true);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->value, "v");
  EXPECT_FALSE(view_->lookup("p/3", false));
  auto ok = run(txn_request::of(txn_op::del_prefix("p/")));
  EXPECT_EQ(ok.results[0].count, 2u);
}

TEST_F(TxnEvalTest, ATtlNearInt64MaxSaturatesTheDeadline) {
  run(txn_request::of(txn_op::put("k", "v", std::chrono::nanoseconds{INT64_MAX})));
  ASSERT_EQ(ops_.size(), 1u);
  EXPECT_EQ(ops_[0].meta.expiry, INT64_MAX);
  EXPECT_TRUE(view_->lookup("k", false));
}

} // namespace
} // namespace moss
