// The store on disk: every op type and TTL deadlines survive reopening,
// across many cycles and compactions; the directory lock; torn tails are cut
// and reported; damage before the tail is refused and repaired; a failing
// disk makes the store refuse writes without losing what it acknowledged.
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include <moss/db.hpp>

#include "persistence/fault_injection_file_system.hpp"
#include "tests/persistence/temp_dir.hpp"

using namespace std::chrono_literals;
using namespace std::string_literals;

namespace moss {
namespace {

class DbPersistenceTest : public ::testing::TestWithParam<fsync_policy> {
protected:
  options opts() {
    options o;
    o.dir = dir_.path();
    o.fsync = GetParam();
    o.shards = 3;
    o.threads = 2;
    o.clock = clock_;
    return o;
  }
  db open() {
    auto d = db::open(opts());
    EXPECT_TRUE(d) << d.error().to_string();
    return std::move(*d);
  }
  // Everything in the store, with metadata.
  std::map<std::string, kv> dump(db& d) {
    std::map<std::string, kv> out;
    auto all = d.scan_prefix("");
    EXPECT_TRUE(all);
    for (auto& e : all->entries)
      out[e.key] = e;
    return out;
  }
  std::vector<std::string> files() {
    std::vector<std::string> names;
    for (auto& f : std::filesystem::directory_iterator(dir_.path()))
      names.push_back(f.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  test::temp_dir dir_;
  std::shared_ptr<manual_time_source> clock_ = std::make_shared<manual_time_source>();
};

INSTANTIATE_TEST_SUITE_P(Policies, DbPersistenceTest,
                         ::testing::Values(fsync_policy::always, fsync_policy::every_second,
                                           fsync_policy::never),
                         [](const auto& info) {
                           switch (info.param) {
                             case fsync_policy::always: return "always"s;
                             case fsync_policy::every_second: return "every_second"s;
                             default: return "never"s;
                           }
                         });

TEST_P(DbPersistenceTest, EveryOpTypeSurvivesReopening) {
  std::map<std::string, kv> before;
  {
    db d = open();
    ASSERT_TRUE(d.set("plain", "v1"));
    ASSERT_TRUE(d.set("plain", "v2"));  // version 2
    ASSERT_TRUE(d.set("bin\0key"s, "\0\xff"s));
    ASSERT_TRUE(d.set("gone", "x"));
    ASSERT_TRUE(*d.del("gone"));
    ASSERT_TRUE(d.set("ttl", "t", with_ttl(1h)));
    batch b;
    b.set("app/1", "a").set("app/2", "b").set("app/3", "c");
    ASSERT_TRUE(d.write(b));
    ASSERT_TRUE(d.txn(txn_request::of(txn_op::del_prefix("app/2"))));
    txn_request cas;
    cas.compares.push_back(compare::value_is("plain", "v2"));
    cas.success = {txn_op::put("plain", "v3"), txn_op::put("cas", "done")};
    ASSERT_TRUE(d.txn(cas)->succeeded);
    before = dump(d);
    ASSERT_EQ(d.stats()->rev, 9u);
  }
  db d = open();
  EXPECT_EQ(dump(d), before);
  EXPECT_EQ(d.entry("plain")->value().meta, (record_meta{1, 9, 3, 0}));
  EXPECT_EQ(d.entry("ttl")->value().meta.expiry, clock_->now_ns() + int64_t{3'600'000'000'000});
  EXPECT_FALSE(*d.exists("gone"));
  ASSERT_TRUE(d.set("next", "n"));
  EXPECT_EQ((*d.entry("next"))->meta.mod_rev, 10u);  // revisions go on without a gap
}

TEST_P(DbPersistenceTest, ManyReopenCyclesMatchAModel) {
  std::map<std::string, std::string> model;
  std::mt19937_64 rng(7);
  for (int cycle = 0; cycle < 12; ++cycle) {
    db d = open();
    for (int i = 0; i < 60; ++i) {
      std::string key = "k" + std::to_string(rng() % 40);
      if (rng() % 4 == 0) {
        (void) d.del(key);
        model.erase(key);
      } else {
        std::string value = std::to_string(cycle) + "/" + std::to_string(i);
        ASSERT_TRUE(d.set(key, value));
        model[key] = value;
      }
    }
    if (cycle % 5 == 4) {
      ASSERT_TRUE(d.compact());
    }
    std::map<std::string, std::string> got;
    for (auto& [k, e] : dump(d))
      got[k] = e.value;
    ASSERT_EQ(got, model) << "cycle " << cycle;
  }
}

TEST_P(DbPersistenceTest, CompactionWritesASnapshotAndDropsTheOldLog) {
  std::map<std::string, kv> before;
  {
    db d = open();
    for (int i = 0; i < 200; ++i)
      ASSERT_TRUE(d.set("k" + std::to_string(i % 50), std::to_string(i)));
    ASSERT_TRUE(d.compact());
    auto s = d.stats();
    EXPECT_EQ(s->snapshot_rev, 200u);
    EXPECT_EQ(s->compactions, 1u);
    ASSERT_TRUE(d.set("after", "compaction"));  // goes to the new segment
    before = dump(d);
  }
  auto names = files();
  EXPECT_EQ(std::count_if(names.begin(), names.end(),
                          [](auto& n) { return n.starts_with("snap-00000000000000c8-"); }),
            1);
  EXPECT_EQ(std::count_if(names.begin(), names.end(), [](auto& n) { return n.starts_with("wal-"); }),
            1);  // only the segment after the snapshot is left
  db d = open();
  EXPECT_EQ(dump(d), before);
  EXPECT_EQ(d.stats()->snapshot_rev, 200u);
}

TEST_P(DbPersistenceTest, LogThatOutgrowsTheSnapshotIsCompactedAutomatically) {
  options o = opts();
  o.compact_min_bytes = 16 << 10;
  auto d = db::open(o);
  ASSERT_TRUE(d);
  std::string value(200, 'v');
  for (int i = 0; i < 400 && d->stats()->compactions == 0; ++i)
    ASSERT_TRUE(d->set("k" + std::to_string(i % 20), value));
  for (int i = 0; i < 500 && d->stats()->compactions == 0; ++i)
    std::this_thread::sleep_for(10ms);  // the child writes in the background
  EXPECT_GE(d->stats()->compactions, 1u);
  EXPECT_GT(d->stats()->snapshot_rev, 0u);
}

TEST_P(DbPersistenceTest, TheLogReachesTheFilesWithoutAClose) {
  db d = open();
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(d.set("k" + std::to_string(i), "v"));
  // The log is written per batch within about a millisecond under every
  // policy. Look at the files as a crashed process would leave them (copy
  // them while the store is open) until they hold all ten, for at most 5 s.
  uint64_t recovered_keys = 0;
  for (int attempt = 0; attempt < 250 && recovered_keys < 10; ++attempt) {
    std::this_thread::sleep_for(20ms);
    test::temp_dir copy;
    for (auto& f : std::filesystem::directory_iterator(dir_.path()))
      if (f.path().filename() != "LOCK")
        std::filesystem::copy(f.path(), copy.file(f.path().filename().string()));
    options o = opts();
    o.dir = copy.path();
    auto recovered = db::open(o);
    ASSERT_TRUE(recovered) << recovered.error().to_string();
    recovered_keys = recovered->stats()->keys;
  }
  EXPECT_EQ(recovered_keys, 10u);
  EXPECT_GT(d.stats()->log_bytes, 0u);
}

TEST_P(DbPersistenceTest, KeysExpiredWhileClosedNeverAppear) {
  {
    db d = open();
    ASSERT_TRUE(d.set("short", "s", with_ttl(1s)));
    ASSERT_TRUE(d.set("long", "l", with_ttl(1h)));
  }
  clock_->advance(2s);
  db d = open();
  EXPECT_FALSE(*d.exists("short"));
  EXPECT_TRUE(*d.exists("long"));
  EXPECT_EQ(d.stats()->keys, 1u);
  EXPECT_EQ(d.stats()->expired_at_open, 1u);
}

TEST_P(DbPersistenceTest, OneProcessPerDirectory) {
  db first = open();
  auto second = db::open(opts());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.code(), errc::locked);
  EXPECT_NE(second.error().message().find("in use"), std::string::npos);
  ASSERT_TRUE(first.close());
  EXPECT_TRUE(db::open(opts()));
  EXPECT_TRUE(std::filesystem::exists(dir_.file("LOCK")));
}

TEST_P(DbPersistenceTest, TornTailIsCutReportedAndLaterWritesSurvive) {
  {
    db d = open();
    for (int i = 0; i < 20; ++i)
      ASSERT_TRUE(d.set("k" + std::to_string(i), "v"));
  }
  std::string last_segment = files().back();  // the empty one opened last
  for (auto& n : files())
    if (n.starts_with("wal-") && std::filesystem::file_size(dir_.file(n)) > 0)
      last_segment = n;
  {
    std::ofstream out(dir_.file(last_segment), std::ios::app | std::ios::binary);
    out << "\x13\x37garbage-half-record";
  }
  {
    // Reported to the options' log sink, one line; nothing on stderr.
    std::vector<std::string> lines;
    options o = opts();
    o.log = [&](std::string_view line) { lines.emplace_back(line); };
    testing::internal::CaptureStderr();
    db d = std::move(*db::open(o));
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find("torn log tail truncated: " + last_segment), std::string::npos) << lines[0];
    EXPECT_EQ(d.stats()->torn_tails, 1u);
    EXPECT_EQ(d.stats()->keys, 20u);
    ASSERT_TRUE(d.set("after", "repair"));
  }
  db d = open();
  EXPECT_EQ(d.stats()->torn_tails, 0u);
  EXPECT_EQ(**d.get("after"), "repair");
  EXPECT_EQ(d.stats()->keys, 21u);
}

TEST_P(DbPersistenceTest, DamageBeforeTheTailIsRefusedUntilRepaired) {
  {
    db d = open();
    for (int i = 0; i < 30; ++i)
      ASSERT_TRUE(d.set("k" + std::to_string(i), std::string(20, 'v')));
  }
  std::string segment;
  for (auto& n : files())
    if (n.starts_with("wal-") && std::filesystem::file_size(dir_.file(n)) > 0)
      segment = n;
  {
    std::fstream f(dir_.file(segment), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);  // inside an early record; valid records follow
    f.put('\x5a');
  }
  auto refused = db::open(opts());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.code(), errc::corruption);
  EXPECT_NE(refused.error().message().find(segment), std::string::npos) << refused.error().message();
  EXPECT_NE(refused.error().message().find("offset"), std::string::npos);
  auto fixed = repair(dir_.path());
  ASSERT_TRUE(fixed) << fixed.error().to_string();
  EXPECT_GT(fixed->cut_bytes, 0u);
  db d = open();
  auto kept = d.stats()->keys;
  EXPECT_GT(kept, 0u);
  EXPECT_LT(kept, 30u);
  for (uint64_t i = 0; i < kept; ++i)  // the longest valid prefix: k0, k1, ...
    EXPECT_TRUE(*d.exists("k" + std::to_string(i)));
}

// A store under fsync `always` whose file layer fails on command.
class DbFailingDiskTest : public ::testing::Test {
protected:
  DbFailingDiskTest() {
    o.dir = dir.path();
    o.fsync = fsync_policy::always;
    o.fs = &faulty;
  }
  test::temp_dir dir;
  fault_injection_file_system faulty{default_file_system()};
  options o;
};

TEST_F(DbFailingDiskTest, FailedFsyncRefusesWritesKeepsReadsAndLosesNothingAcknowledged) {
  {
    auto d = db::open(o);
    ASSERT_TRUE(d);
    ASSERT_TRUE(d->set("acked", "yes"));
    faulty.fail_syncs(EIO, fault_mode::always);
    auto st = d->set("doomed", "no");
    EXPECT_EQ(st.code(), errc::write_failed);
    EXPECT_NE(st.message().find("refuses writes"), std::string::npos) << st.message();
    EXPECT_EQ(d->set("later", "no").code(), errc::write_failed);
    EXPECT_EQ(**d->get("acked"), "yes");  // reads go on
    (void) d->close();
  }
  faulty.heal();
  o.fs = nullptr;
  auto d = db::open(o);
  ASSERT_TRUE(d);
  EXPECT_EQ(**d->get("acked"), "yes");
  EXPECT_FALSE(*d->exists("later"));
}

TEST_F(DbFailingDiskTest, FullDiskOnWriteIsReportedAsWriteFailed) {
  auto d = db::open(o);
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->set("a", "1"));
  faulty.fail_writes(ENOSPC, fault_mode::always);
  auto st = d->set("b", "2");
  EXPECT_EQ(st.code(), errc::write_failed);
  EXPECT_NE(st.message().find("No space"), std::string::npos) << st.message();
}

TEST(DbInMemoryTest, CompactWithoutADirectoryIsAClearError) {
  auto d = db::open({});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->compact().code(), errc::invalid_argument);
}

} // namespace
} // namespace moss
