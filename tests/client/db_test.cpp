// The embedded facade: every call, bad input, TTL visibility, transactions,
// async writes, and the closed store.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include <moss/db.hpp>

using namespace std::chrono_literals;
using namespace std::string_literals;

namespace moss {
namespace {

class DbTest : public ::testing::TestWithParam<engine_kind> {
protected:
  DbTest() {
    options opts;
    opts.engine = GetParam();
    opts.shards = 4;
    opts.threads = 2;
    opts.clock = clock_;
    opts.limit.max_value_size = 1 << 20;
    auto opened = db::open(opts);
    EXPECT_TRUE(opened) << opened.error().to_string();
    db_.emplace(std::move(*opened));
  }
  std::vector<std::string> keys(const result<scan_result>& r) {
    std::vector<std::string> out;
    for (auto& e : r->entries)
      out.push_back(e.key);
    return out;
  }
  std::shared_ptr<manual_time_source> clock_ = std::make_shared<manual_time_source>();
  std::optional<db> db_;
};

INSTANTIATE_TEST_SUITE_P(BothEngines, DbTest, ::testing::Values(engine_kind::hash, engine_kind::radix),
                         [](const auto& info) { return std::string{to_string(info.param)}; });

TEST_P(DbTest, SetGetDelExists) {
  EXPECT_EQ(*db_->get("nope"), std::nullopt);
  ASSERT_TRUE(db_->set("k", "v1"));
  EXPECT_EQ(**db_->get("k"), "v1");
  EXPECT_TRUE(*db_->exists("k"));
  ASSERT_TRUE(db_->set("k", "v2"));
  auto e = *db_->entry("k");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->value, "v2");
  EXPECT_EQ(e->meta, (record_meta{1, 2, 2, 0}));
  EXPECT_TRUE(*db_->del("k"));
  EXPECT_FALSE(*db_->del("k"));
  EXPECT_FALSE(*db_->exists("k"));
}

TEST_P(DbTest, KeysAndValuesAreBinarySafeAndCopied) {
  std::string key = "a\0b\xff"s;
  std::string value = "\0\x01\xfe\xff"s;
  ASSERT_TRUE(db_->set(key, value));
  value[0] = 'X';  // the store holds its own copy
  EXPECT_EQ(**db_->get(key), "\0\x01\xfe\xff"s);
  EXPECT_EQ(*db_->get("a"), std::nullopt);
  ASSERT_TRUE(db_->set("empty", ""));
  EXPECT_EQ(**db_->get("empty"), "");
}

TEST_P(DbTest, ScansArePrefixOrRangeOrderedAndLimited) {
  batch b;
  for (auto k : {"user/3", "user/1", "user/2", "userx", "admin"})
    b.set(k, k);
  ASSERT_TRUE(db_->write(b));
  EXPECT_EQ(keys(db_->scan_prefix("user/")), (std::vector<std::string>{"user/1", "user/2", "user/3"}));
  auto limited = db_->scan_prefix("user", 2);
  EXPECT_EQ(keys(limited), (std::vector<std::string>{"user/1", "user/2"}));
  EXPECT_TRUE(limited->more);
  EXPECT_EQ(keys(db_->scan_range("b", "user/3")), (std::vector<std::string>{"user/1", "user/2"}));
  EXPECT_EQ(keys(db_->scan_range("user/2", "")).size(), 3u);
  EXPECT_EQ(keys(db_->scan_prefix("")).size(), 5u);
  scan_request ko = scan_request::prefix("admin");
  ko.keys_only = true;
  EXPECT_EQ(db_->scan(ko)->entries.at(0).value, "");
}

TEST_P(DbTest, BatchIsOneAtomicCommit) {
  ASSERT_TRUE(db_->set("old", "x"));
  batch b;
  b.set("a", "1").set("b", "2").del("old");
  auto rev = db_->write(b);
  ASSERT_TRUE(rev);
  EXPECT_EQ(*rev, 2u);
  EXPECT_TRUE(b.empty());
  EXPECT_EQ((*db_->entry("a"))->meta.mod_rev, 2u);
  EXPECT_EQ((*db_->entry("b"))->meta.mod_rev, 2u);
  EXPECT_FALSE(*db_->exists("old"));
}

TEST_P(DbTest, TxnComparesPickTheBranch) {
  ASSERT_TRUE(db_->set("lock", "free"));
  txn_request take;
  take.compares.push_back(compare::value_is("lock", "free"));
  take.success.push_back(txn_op::put("lock", "mine"));
  take.failure.push_back(txn_op::get("lock"));
  auto first = db_->txn(take);
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->succeeded);
  EXPECT_EQ(first->rev, 2u);
  auto second = db_->txn(take);
  EXPECT_FALSE(second->succeeded);
  EXPECT_EQ(second->rev, 2u);
  EXPECT_EQ(second->results.at(0).entry.value, "mine");
  txn_request wipe = txn_request::of(txn_op::del_prefix("lo"));
  EXPECT_EQ(db_->txn(wipe)->results.at(0).count, 1u);
}

TEST_P(DbTest, TxClosureSeesItsOwnWritesAndCommitsThemTogether) {
  ASSERT_TRUE(db_->set("n", "1"));
  auto st = db_->tx([](moss::tx& t) {
    auto n = t.get("n");
    if (!n)
      return n.error();
    t.set("n", std::to_string(std::stoi(**n) + 1));
    EXPECT_EQ(**t.get("n"), "2");
    t.set("copy", "made");
    t.del("nothing-here");
    return status::ok();
  });
  ASSERT_TRUE(st) << st.to_string();
  EXPECT_EQ(**db_->get("n"), "2");
  EXPECT_EQ((*db_->entry("copy"))->meta.mod_rev, (*db_->entry("n"))->meta.mod_rev);
}

TEST_P(DbTest, TxClosureErrorAbortsWithNoEffect) {
  auto st = db_->tx([](moss::tx& t) {
    t.set("half", "done");
    return status{errc::aborted, "changed my mind"};
  });
  EXPECT_EQ(st.code(), errc::aborted);
  EXPECT_FALSE(*db_->exists("half"));
}

TEST_P(DbTest, TxClosureRunsAgainAfterAConflict) {
  ASSERT_TRUE(db_->set("c", "0"));
  int runs = 0;
  auto st = db_->tx([&](moss::tx& t) {
    auto v = t.get("c");
    if (++runs == 1) {
      EXPECT_TRUE(db_->set("c", "10"));  // someone else writes what we read
    }
    t.set("c", std::to_string(std::stoi(**v) + 1));
    return status::ok();
  });
  ASSERT_TRUE(st);
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(**db_->get("c"), "11");
}

TEST_P(DbTest, TxClosureGivesUpAfterMaxAttempts) {
  ASSERT_TRUE(db_->set("hot", "0"));
  int runs = 0;
  auto st = db_->tx(
    [&](moss::tx& t) {
      (void) t.get("hot");
      EXPECT_TRUE(db_->set("hot", std::to_string(++runs)));
      t.set("hot", "never");
      return status::ok();
    },
    {.max_attempts = 3});
  EXPECT_EQ(st.code(), errc::too_many_retries);
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(**db_->get("hot"), "3");
}

TEST_P(DbTest, AsyncWritesCompleteInOrder) {
  std::vector<write_future> futures;
  for (int i = 0; i < 1000; ++i)
    futures.push_back(db_->set_async("k" + std::to_string(i % 10), std::to_string(i)));
  revision last = 0;
  for (auto& f : futures) {
    auto r = f.get();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->rev, last + 1);
    last = r->rev;
  }
  EXPECT_EQ(**db_->get("k9"), "999");
  std::atomic<bool> called{false};
  db_->txn_async(txn_request::of(txn_op::del("k0")), [&](result<txn_result> r) {
    EXPECT_TRUE(r.is_ok() && r->results[0].found);
    called = true;
  });
  EXPECT_TRUE(db_->del_async("k1").get()->results[0].found);  // after the callback's commit
  EXPECT_TRUE(called);
}

TEST_P(DbTest, BadInputIsRejectedWithClearErrors) {
  EXPECT_EQ(db_->set("", "v").code(), errc::invalid_argument);
  EXPECT_EQ(db_->get("").code(), errc::invalid_argument);
  EXPECT_EQ(db_->set(std::string(70'000, 'k'), "v").code(), errc::invalid_argument);
  auto big = db_->set("k", std::string((1 << 20) + 1, 'v'));
  EXPECT_EQ(big.code(), errc::invalid_argument);
  EXPECT_NE(big.message().find("value of 1048577 bytes exceeds the limit of 1048576"), std::string::npos);
  EXPECT_EQ(db_->set("k", "v", with_ttl(0ms)).code(), errc::invalid_argument);
  EXPECT_EQ(db_->set("k", "v", with_ttl(-5s)).code(), errc::invalid_argument);
  EXPECT_EQ(db_->set_async("k", "v", with_ttl(0ms)).get().code(), errc::invalid_argument);
  EXPECT_EQ(db_->scan_range("b", "a").code(), errc::invalid_argument);
  EXPECT_EQ(db_->stats()->rev, 0u);  // nothing reached the store
}

TEST_P(DbTest, ExpiredKeysAreHiddenTheMomentTheyExpire) {
  ASSERT_TRUE(db_->set("session", "s", with_ttl(100ms)));
  ASSERT_TRUE(db_->set("app/ttl", "t", with_ttl(100ms)));
  ASSERT_TRUE(db_->set("app/keep", "k"));
  clock_->advance(99ms);
  EXPECT_TRUE(*db_->exists("session"));
  clock_->advance(1ms);
  EXPECT_FALSE(*db_->exists("session"));
  EXPECT_EQ(*db_->get("session"), std::nullopt);
  EXPECT_EQ(keys(db_->scan_prefix("app/")), std::vector<std::string>{"app/keep"});
  txn_request cas;
  cas.compares.push_back(compare::missing("session"));
  EXPECT_TRUE(db_->txn(cas)->succeeded);
}

TEST_P(DbTest, SetWithoutTtlClearsAnEarlierTtl) {
  ASSERT_TRUE(db_->set("k", "v", with_ttl(100ms)));
  ASSERT_TRUE(db_->set("k", "v2"));
  clock_->advance(1s);
  EXPECT_EQ(**db_->get("k"), "v2");
  EXPECT_EQ((*db_->entry("k"))->meta.expiry, 0);
}

TEST_P(DbTest, StatsCountKeysRevisionsAndGroups) {
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(db_->set("k" + std::to_string(i), "v"));
  auto s = db_->stats();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->keys, 10u);
  EXPECT_EQ(s->rev, 10u);
  EXPECT_EQ(s->commits, 10u);
  EXPECT_EQ(s->shards, 4u);
  EXPECT_GT(s->memory_bytes, 10u * 3u);
  EXPECT_GE(s->groups, 1u);
}

TEST_P(DbTest, CallsAfterCloseFailAndCloseTwiceIsHarmless) {
  ASSERT_TRUE(db_->set("k", "v"));
  ASSERT_TRUE(db_->close());
  EXPECT_TRUE(db_->is_closed());
  EXPECT_TRUE(db_->close());
  EXPECT_EQ(db_->get("k").code(), errc::closed);
  EXPECT_EQ(db_->set("k", "v").code(), errc::closed);
  EXPECT_EQ(db_->del("k").code(), errc::closed);
  EXPECT_EQ(db_->scan_prefix("").code(), errc::closed);
  EXPECT_EQ(db_->set_async("k", "v").get().code(), errc::closed);
  EXPECT_EQ(db_->stats().code(), errc::closed);
}

TEST_P(DbTest, CloseWhileWritersRunAnswersEveryWrite) {
  std::atomic<int> ok{0}, closed{0}, other{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 3; ++t)
    writers.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        auto st = db_->set("w" + std::to_string(t), std::to_string(i));
        if (st)
          ++ok;
        else if (st.code() == errc::closed)
          ++closed;
        else
          ++other;
      }
    });
  while (ok < 100)  // close in the middle of the writes
    std::this_thread::yield();
  ASSERT_TRUE(db_->close());
  for (auto& w : writers)
    w.join();
  EXPECT_EQ(ok + closed, 6000);
  EXPECT_EQ(other, 0);
}

TEST(DbMoveTest, MovedDatabaseKeepsWorking) {
  auto opened = db::open({});
  ASSERT_TRUE(opened);
  db a = std::move(*opened);
  ASSERT_TRUE(a.set("k", "v"));
  db b = std::move(a);
  EXPECT_EQ(**b.get("k"), "v");
}

} // namespace
} // namespace moss
