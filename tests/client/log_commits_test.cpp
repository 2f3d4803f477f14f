// A primary's commits read back from its log for a replica: exact ranges,
// budgets, the log's start after a compaction, a missing segment, and the
// payloads decoding into the same writes on a replica's keyspace.
#include <filesystem>

#include <gtest/gtest.h>

#include <moss/db.hpp>

#include "core/keyspace.hpp"
#include "core/log_commits.hpp"
#include "core/replicated_group.hpp"
#include "persistence/manifest.hpp"
#include "tests/persistence/temp_dir.hpp"

namespace moss {
namespace {

class LogCommitsTest : public ::testing::Test {
protected:
  void SetUp() override {
    options o;
    o.dir = dir_.path();
    o.fsync = fsync_policy::never;
    o.shards = 2;
    o.threads = 1;
    auto d = db::open(o);
    ASSERT_TRUE(d) << d.error().to_string();
    db_ = std::make_unique<db>(std::move(*d));
    for (int i = 1; i <= 100; ++i) {
      batch b;
      b.set("k/" + std::to_string(i), std::string(static_cast<size_t>(i), 'v'));
      if (i % 10 == 0)
        b.del("k/" + std::to_string(i - 1));
      last_ = db_->write(b).value();
    }
  }
  result<std::vector<repl_commit>> read(revision from, revision to, size_t budget = 1u << 30) {
    return read_log_commits(default_file_system(), dir_.path(), from, to, budget);
  }

  test::temp_dir dir_;
  std::unique_ptr<db> db_;
  revision last_ = 0;
};

TEST_F(LogCommitsTest, ARangeComesBackWholeAndInOrder) {
  ASSERT_EQ(last_, 100u);
  auto all = read(1, last_ + 1);
  ASSERT_TRUE(all) << all.error().to_string();
  ASSERT_EQ(all->size(), 100u);
  for (size_t i = 0; i < all->size(); ++i)
    EXPECT_EQ((*all)[i].rev, i + 1);
  auto middle = read(40, 61);
  ASSERT_TRUE(middle);
  ASSERT_EQ(middle->size(), 21u);
  EXPECT_EQ(middle->front().rev, 40u);
  EXPECT_EQ(middle->back().rev, 60u);
  EXPECT_TRUE(read(50, 50)->empty());
}

TEST_F(LogCommitsTest, ABudgetStopsEarlyAndTheNextReadGoesOn) {
  revision next = 1;
  size_t reads = 0;
  while (next <= last_) {
    auto part = read(next, last_ + 1, 200);
    ASSERT_TRUE(part) << part.error().to_string();
    ASSERT_FALSE(part->empty());
    EXPECT_EQ(part->front().rev, next);
    next = part->back().rev + 1;
    ++reads;
  }
  EXPECT_GT(reads, 5u);
  EXPECT_EQ(next, last_ + 1);
}

TEST_F(LogCommitsTest, PayloadsDecodeIntoTheSameWritesOnAReplica) {
  auto all = read(1, last_ + 1);
  ASSERT_TRUE(all);
  keyspace replica{engine_kind::radix, 2, nullptr};
  auto groups = replicated_groups(replica, 0, *all, limits{});
  ASSERT_TRUE(groups) << groups.error().to_string();
  size_t puts = 0, dels = 0;
  for (const auto& g : *groups)
    for (const write_op& op : g->ops)
      (op.kind == change_kind::put ? puts : dels)++;
  EXPECT_EQ(puts, 100u);
  EXPECT_EQ(dels, 10u);
}

TEST_F(LogCommitsTest, BeforeTheLogsStartIsCompactedAndPastItsEndIsAnError) {
  EXPECT_EQ(read(last_ + 1, last_ + 5).error().code(), errc::corruption);  // not written yet
  ASSERT_TRUE(db_->compact());
  ASSERT_TRUE(db_->set("after", "x"));
  auto gone = read(50, 60);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code(), errc::compacted);
  auto after = read(last_ + 1, last_ + 2);
  ASSERT_TRUE(after) << after.error().to_string();
  ASSERT_EQ(after->size(), 1u);
}

TEST_F(LogCommitsTest, AMissingSegmentIsAnIoErrorNotASilentGap) {
  manifest m;
  ASSERT_TRUE(read_manifest(default_file_system(), dir_.path(), m));
  ASSERT_FALSE(m.segments.empty());
  db_.reset();  // closed: nothing writes the segment any more
  std::filesystem::remove(std::filesystem::path{dir_.path()} / m.segments.front());
  auto r = read(1, last_ + 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::io_error) << r.error().to_string();
}

} // namespace
} // namespace moss
