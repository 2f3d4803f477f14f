// Regression tests for ways the store lost data or hung in ordinary use:
// compacting twice (or concurrently, or on an idle store), commits too large
// for a log record, TTLs near INT64_MAX, failed writes that stayed visible,
// calls on a moved-from db, orphan files after close, and a killed process
// during a compaction.
#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <limits>
#include <thread>

#include <gtest/gtest.h>

#include <moss/db.hpp>

#include "core/recovery.hpp"
#include "persistence/fault_injection_file_system.hpp"
#include "tests/persistence/temp_dir.hpp"
#include "tests/util/child_process.hpp"

using namespace std::chrono_literals;

namespace moss {
namespace {

options dir_options(const std::string& dir, fsync_policy policy = fsync_policy::every_second) {
  options o;
  o.dir = dir;
  o.fsync = policy;
  o.shards = 2;
  o.threads = 2;
  return o;
}

db open_or_die(const options& o) {
  auto d = db::open(o);
  EXPECT_TRUE(d) << d.error().to_string();
  return std::move(*d);
}

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> names;
  for (auto& f : std::filesystem::directory_iterator(dir))
    names.push_back(f.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

// -- compaction ------------------------------------------------------------------

TEST(DataSafetyTest, CompactingTwiceKeepsTheStore) {
  test::temp_dir dir;
  {
    db d = open_or_die(dir_options(dir.path()));
    ASSERT_TRUE(d.set("a", "1"));
    ASSERT_TRUE(d.compact());
    ASSERT_TRUE(d.compact());  // nothing new since the last snapshot: a no-op
    ASSERT_TRUE(d.set("b", "2"));
    ASSERT_TRUE(d.compact());
    ASSERT_TRUE(d.compact());
    ASSERT_TRUE(d.close());
  }
  auto chk = check(default_file_system(), dir.path());
  ASSERT_TRUE(chk);
  EXPECT_TRUE(chk->clean()) << chk->damage;
  db d = open_or_die(dir_options(dir.path()));
  EXPECT_EQ(**d.get("a"), "1");
  EXPECT_EQ(**d.get("b"), "2");
  EXPECT_EQ(d.stats()->rev, 2u);
}

TEST(DataSafetyTest, CompactionWithNothingNewAnswersTheSnapshotsRevision) {
  test::temp_dir dir;
  {
    db d = open_or_die(dir_options(dir.path()));
    ASSERT_TRUE(d.set("a", "1"));
    ASSERT_TRUE(d.compact());
    EXPECT_EQ(d.stats()->snapshot_rev, 1u);
    ASSERT_TRUE(d.compact());
    EXPECT_EQ(d.stats()->snapshot_rev, 1u);
    EXPECT_EQ(d.stats()->compactions, 1u);  // the second one wrote nothing
  }
  db d = open_or_die(dir_options(dir.path()));
  EXPECT_EQ(**d.get("a"), "1");
}

TEST(DataSafetyTest, ConcurrentCompactionsWhileWritingKeepEveryWrite) {
  test::temp_dir dir;
  const int writes = 3000;
  {
    db d = open_or_die(dir_options(dir.path()));
    std::atomic<bool> stop{false};
    std::vector<std::thread> compactors;
    for (int t = 0; t < 3; ++t)
      compactors.emplace_back([&] {
        while (!stop.load())
          EXPECT_TRUE(d.compact());
      });
    for (int i = 0; i < writes; ++i)
      ASSERT_TRUE(d.set("k" + std::to_string(i), std::to_string(i)));
    stop = true;
    for (auto& t : compactors)
      t.join();
    ASSERT_TRUE(d.compact());
    ASSERT_TRUE(d.compact());
  }
  db d = open_or_die(dir_options(dir.path()));
  for (int i = 0; i < writes; ++i)
    ASSERT_EQ(**d.get("k" + std::to_string(i)), std::to_string(i)) << i;
  EXPECT_EQ(d.stats()->rev, static_cast<revision>(writes));
}

TEST(DataSafetyTest, CompactOnAStoreWithNoCommitSinceOpenReturns) {
  test::temp_dir dir;
  {
    db d = open_or_die(dir_options(dir.path()));
    ASSERT_TRUE(d.set("a", "1"));
  }
  // In a child: on a hang the child is killed and the test fails, instead of
  // the whole test binary hanging.
  test::child_process child([&] {
    auto d = db::open(dir_options(dir.path()));
    if (!d || !d->compact() || !d->compact())
      return 1;
    if (!d->set("b", "2") || !d->compact())
      return 2;
    return d->close() ? 0 : 3;
  });
  ASSERT_TRUE(child.started());
  EXPECT_EQ(child.wait_for(20s), std::optional<int>{0}) << "compact hung or failed";
  db d = open_or_die(dir_options(dir.path()));
  EXPECT_EQ(**d.get("a"), "1");
  EXPECT_EQ(**d.get("b"), "2");
}

TEST(DataSafetyTest, CheckReportsAManifestNamingAMissingSnapshot) {
  test::temp_dir dir;
  {
    db d = open_or_die(dir_options(dir.path()));
    ASSERT_TRUE(d.set("a", "1"));
    ASSERT_TRUE(d.compact());
  }
  for (const auto& name : files_in(dir.path()))
    if (name.starts_with("snap-"))
      std::filesystem::remove(dir.file(name));
  auto chk = check(default_file_system(), dir.path());
  ASSERT_TRUE(chk);
  EXPECT_FALSE(chk->clean());
  EXPECT_NE(chk->damage.find("missing"), std::string::npos) << chk->damage;
  auto d = db::open(dir_options(dir.path()));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code(), errc::corruption);
}

TEST(DataSafetyTest, CloseDuringAnAutomaticCompactionLeavesNoOrphanFiles) {
  for (int round = 0; round < 5; ++round) {
    test::temp_dir dir;
    options o = dir_options(dir.path());
    o.compact_min_bytes = 1;  // compact after every few writes
    o.compact_ratio = 0.0;
    {
      db d = open_or_die(o);
      for (int i = 0; i < 2000; ++i)
        ASSERT_TRUE(d.set("k" + std::to_string(i % 300), std::string(200, 'v')));
      ASSERT_TRUE(d.close());
    }
    for (const auto& name : files_in(dir.path()))
      EXPECT_FALSE(name.ends_with(".tmp")) << name;
    db d = open_or_die(dir_options(dir.path()));
    EXPECT_EQ(d.scan_prefix("k")->entries.size(), 300u);
  }
}

TEST(DataSafetyTest, AProcessKilledDuringALargeCompactionCanBeReopenedAtOnce) {
  test::temp_dir dir;
  {
    db d = open_or_die(dir_options(dir.path()));
    batch b;
    for (int i = 0; i < 200'000; ++i)
      b.set("key/" + std::to_string(i), std::string(100, 'x'));
    ASSERT_TRUE(d.write(b));
  }
  for (int round = 0; round < 3; ++round) {
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    test::child_process child([&] {
      auto d = db::open(dir_options(dir.path()));
      if (!d)
        return 1;
      char c = 'r';
      (void) !::write(ready[1], &c, 1);
      for (;;)
        (void) d->compact();
    });
    char c;
    ASSERT_EQ(::read(ready[0], &c, 1), 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + 40 * round));
    child.kill();
    ::close(ready[0]);
    ::close(ready[1]);
    auto d = db::open(dir_options(dir.path()));
    ASSERT_TRUE(d) << d.error().to_string();  // not errc::locked: nothing outlived the process
    EXPECT_EQ(d->scan_prefix("key/", 0)->entries.size(), 200'000u);
  }
}

// -- watch resume across restarts ---------------------------------------------

// Issue 14: revisions are reused after a lossy crash. A watcher's resume
// point from before the crash gets errc::compacted, never a silent skip; a
// clean close (or `always`) keeps the history and the resume goes on.
TEST(DataSafetyTest, AResumeFromBeforeALossyCrashEndsWithCompactedNotASilentSkip) {
  for (fsync_policy policy : {fsync_policy::every_second, fsync_policy::always}) {
    SCOPED_TRACE(policy == fsync_policy::always ? "always" : "every_second");
    test::temp_dir dir;
    revision reached = 0;
    uint64_t incarnation = 0;
    {
      db d = open_or_die(dir_options(dir.path(), policy));
      auto w = d.watch_prefix("k/");
      for (int i = 0; i < 10; ++i)
        ASSERT_TRUE(d.set("k/" + std::to_string(i), "v"));
      for (int i = 0; i < 10; ++i)
        ASSERT_TRUE(w.next(5s));
      reached = w.reached();
      incarnation = w.incarnation();
      ASSERT_NE(incarnation, 0u);
      ASSERT_EQ(d.stats()->incarnation, incarnation);
    }
    // A clean close keeps the incarnation: the resume goes on.
    {
      db d = open_or_die(dir_options(dir.path(), policy));
      ASSERT_TRUE(d.set("k/clean", "v"));
      auto w = d.watch_prefix("k/", {.start_rev = reached + 1, .incarnation = incarnation});
      auto ev = w.next(5s);
      ASSERT_TRUE(ev) << w.error().to_string();
      EXPECT_EQ(ev->key, "k/clean");
      reached = w.reached();
    }
    // A process that dies without closing, after a write the OS may not
    // have flushed (its watcher saw it): under every_second a new incarnation.
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    test::child_process child([&] {
      auto d = db::open(dir_options(dir.path(), policy));
      if (!d)
        return 1;
      auto r = d->txn(txn_request::of(txn_op::put("k/lost?", "v")));
      if (!r)
        return 1;
      (void) !::write(pipe_fds[1], &r->rev, sizeof r->rev);
      ::_exit(0);  // no close: the CLEAN marker is not written
    });
    ASSERT_TRUE(child.started());
    ASSERT_EQ(child.wait_for(20s), std::optional<int>{0});
    revision seen = 0;
    ASSERT_EQ(::read(pipe_fds[0], &seen, sizeof seen), static_cast<ssize_t>(sizeof seen));
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    db d = open_or_die(dir_options(dir.path(), policy));
    auto w = d.watch_prefix("k/", {.start_rev = seen + 1, .incarnation = incarnation});
    ASSERT_TRUE(d.set("k/after", "v"));
    if (policy == fsync_policy::always) {
      auto ev = w.next(5s);
      ASSERT_TRUE(ev) << w.error().to_string();
      EXPECT_EQ(ev->key, "k/after");  // nothing acknowledged can be lost: same history
      EXPECT_EQ(ev->rev, seen + 1);
      EXPECT_EQ(w.incarnation(), incarnation);
    } else {
      EXPECT_EQ(w.next(2s), std::nullopt);
      EXPECT_EQ(w.error().code(), errc::compacted) << w.error().to_string();
      EXPECT_NE(w.error().message().find("another incarnation"), std::string::npos);
      EXPECT_NE(d.stats()->incarnation, incarnation);
    }
  }
}

// A repair cuts the log: a new incarnation, so old resume points are refused.
TEST(DataSafetyTest, ARepairStartsANewIncarnation) {
  test::temp_dir dir;
  uint64_t before = 0;
  {
    db d = open_or_die(dir_options(dir.path()));
    ASSERT_TRUE(d.set("a", "1"));
    before = d.stats()->incarnation;
  }
  ASSERT_TRUE(repair(dir.path()));
  {
    db d = open_or_die(dir_options(dir.path()));
    EXPECT_EQ(d.stats()->incarnation, before) << "an intact log was not cut: same history";
    ASSERT_TRUE(d.compact());  // compaction keeps the history, and the file
  }
  {
    db d = open_or_die(dir_options(dir.path()));
    EXPECT_EQ(d.stats()->incarnation, before) << "a compaction or a clean close changed it";
    ASSERT_TRUE(d.set("b", "2"));  // a segment after the snapshot, for the damage below
  }
  // Damage the tail, repair: the history changed.
  std::filesystem::path seg;
  for (auto& e : std::filesystem::directory_iterator(dir.path()))
    if (e.path().filename().string().rfind("wal-", 0) == 0)
      seg = e.path();
  ASSERT_FALSE(seg.empty());
  {
    std::FILE* f = std::fopen(seg.c_str(), "ab");
    ASSERT_NE(f, nullptr);
    std::fputs("not a record, and long enough to look like a torn one......", f);
    std::fclose(f);
  }
  auto r = repair(dir.path());
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_GT(r->cut_bytes, 0u);
  db d = open_or_die(dir_options(dir.path()));
  EXPECT_NE(d.stats()->incarnation, before);
  EXPECT_EQ(d.get("a").value(), "1");
}

// -- limits ----------------------------------------------------------------------

TEST(DataSafetyTest, ACommitTooLargeForOneLogRecordIsRefusedBeforeItIsApplied) {
  test::temp_dir dir;
  {
    db d = open_or_die(dir_options(dir.path()));
    txn_request big;
    for (int i = 0; i < 5; ++i)  // 5 x 60 MiB: each value is allowed, the commit is not
      big.success.push_back(txn_op::put("big" + std::to_string(i), std::string(60u << 20, 'x')));
    auto r = d.txn(big);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), errc::invalid_argument) << r.error().to_string();
    EXPECT_FALSE(*d.exists("big0"));
    ASSERT_TRUE(d.set("after", "1"));  // the store still takes writes
  }
  db d = open_or_die(dir_options(dir.path()));
  EXPECT_EQ(**d.get("after"), "1");
  EXPECT_FALSE(*d.exists("big0"));
}

TEST(DataSafetyTest, ADeletePrefixTooLargeForOneLogRecordIsRefusedWithNoEffect) {
  test::temp_dir dir;
  options o = dir_options(dir.path());
  o.limit.max_commit_bytes = 64 << 10;  // so a few thousand keys overflow a record
  {
    db d = open_or_die(o);
    for (int i = 0; i < 3000; i += 100) {
      batch b;
      for (int j = i; j < i + 100; ++j)
        b.set("p/" + std::to_string(j) + std::string(40, 'k'), "v");
      ASSERT_TRUE(d.write(b));
    }
    batch del;
    del.set("other", "1").del_prefix("p/");
    auto r = d.write(del);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), errc::invalid_argument) << r.error().to_string();
    EXPECT_EQ(d.scan_prefix("p/")->entries.size(), 3000u);
    EXPECT_FALSE(*d.exists("other"));
    ASSERT_TRUE(d.set("after", "1"));
  }
  db d = open_or_die(o);
  EXPECT_EQ(d.scan_prefix("p/")->entries.size(), 3000u);
  EXPECT_EQ(**d.get("after"), "1");
}

TEST(DataSafetyTest, ATtlNearInt64MaxSaturatesInsteadOfExpiringAtOnce) {
  db d = open_or_die(options{});
  ASSERT_TRUE(d.set("k", "v", with_ttl(std::chrono::nanoseconds{std::numeric_limits<int64_t>::max()})));
  EXPECT_EQ(**d.get("k"), "v");
  auto left = *d.ttl("k");
  ASSERT_TRUE(left);
  EXPECT_GT(*left, std::chrono::hours(24 * 365 * 100));
  txn_request t = txn_request::of(txn_op::put("j", "w", std::chrono::nanoseconds{std::numeric_limits<int64_t>::max() - 1}));
  ASSERT_TRUE(d.txn(t));
  EXPECT_EQ(**d.get("j"), "w");
  std::this_thread::sleep_for(20ms);  // the TTL timer must not misfire on it either
  EXPECT_EQ(**d.get("k"), "v");
  EXPECT_EQ(**d.get("j"), "w");
}

// -- failures --------------------------------------------------------------------

class FailedWriteTest : public ::testing::TestWithParam<fsync_policy> {};

TEST_P(FailedWriteTest, AWriteThatFailedIsNeverVisibleAndTheStoreTurnsReadOnly) {
  test::temp_dir dir;
  fault_injection_file_system fs{default_file_system()};
  options o = dir_options(dir.path(), GetParam());
  o.fs = &fs;
  {
    db d = open_or_die(o);
    ASSERT_TRUE(d.set("kept", "1"));
    if (GetParam() == fsync_policy::always)
      fs.fail_syncs(EIO, fault_mode::always);
    else
      fs.fail_writes(ENOSPC, fault_mode::always);
    auto st = d.set("lost", "2");
    ASSERT_FALSE(st);
    std::cout << "the failed write: " << st.to_string() << "\n";
    EXPECT_TRUE(st.code() == errc::write_failed || st.code() == errc::no_space
                || st.code() == errc::io_error)
      << st.to_string();
    EXPECT_FALSE(*d.exists("lost")) << "a reader saw a write its writer was told failed";
    EXPECT_EQ(**d.get("kept"), "1");  // reads go on
    auto again = d.set("later", "3");
    EXPECT_FALSE(again);
    EXPECT_EQ(again.code(), errc::write_failed);
    EXPECT_FALSE(*d.exists("later"));
    fs.heal();
  }
  db d = open_or_die(dir_options(dir.path(), GetParam()));
  EXPECT_EQ(**d.get("kept"), "1");
  EXPECT_FALSE(*d.exists("lost"));
}

INSTANTIATE_TEST_SUITE_P(Policies, FailedWriteTest,
                         ::testing::Values(fsync_policy::always, fsync_policy::every_second,
                                           fsync_policy::never));

TEST(DataSafetyTest, EveryCallOnAMovedFromDbIsAnErrorNotACrash) {
  db a = open_or_die(options{});
  db b = std::move(a);
  EXPECT_EQ(a.persist("k").error().code(), errc::closed);
  EXPECT_EQ(a.set("k", "v").code(), errc::closed);
  EXPECT_EQ(a.del("k").error().code(), errc::closed);
  EXPECT_EQ(a.txn(txn_request::of(txn_op::put("k", "v"))).error().code(), errc::closed);
  batch bt;
  bt.set("k", "v");
  EXPECT_EQ(a.write(bt).error().code(), errc::closed);
  EXPECT_EQ(a.set_async("k", "v").get().error().code(), errc::closed);
  EXPECT_EQ(a.get("k").error().code(), errc::closed);
  EXPECT_EQ(a.compact().code(), errc::closed);
  EXPECT_EQ(a.tx([](tx&) { return status::ok(); }).code(), errc::closed);
  EXPECT_TRUE(a.watch("k").done());
  EXPECT_TRUE(b.set("k", "v"));
}

} // namespace
} // namespace moss
