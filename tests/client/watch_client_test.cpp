// Watches through the embedded facade: streams (blocking, timed, non-blocking,
// range-for), the callback form, start revisions and compaction, overflow and
// resume, cancel and close, prefix edge cases, 1,000 watchers on one prefix.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include <moss/db.hpp>

using namespace std::chrono_literals;
using namespace std::string_literals;

namespace moss {
namespace {

// Waits for `pred` (no fixed sleep): true if it held within 10 s.
template <class Pred>
bool eventually(Pred pred) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::yield();
  }
  return true;
}

class WatchClientTest : public ::testing::Test {
protected:
  static constexpr size_t small_history = 4u << 20;

  WatchClientTest() { reopen(options{}.watch_history_bytes); }

  // A fresh in-memory store whose watch history holds `history` bytes.
  void reopen(size_t history) {
    db_.reset();
    options opts;
    opts.shards = 4;
    opts.threads = 2;
    opts.watch_history_bytes = history;
    auto opened = db::open(opts);
    EXPECT_TRUE(opened) << opened.error().to_string();
    db_.emplace(std::move(*opened));
  }

  // Reads until `n` events came (or 10 s passed).
  std::vector<watch_event> take(watch_stream& s, size_t n) {
    std::vector<watch_event> out;
    while (out.size() < n) {
      auto ev = s.next(10s);
      if (!ev)
        break;
      out.push_back(std::move(*ev));
    }
    return out;
  }

  static std::vector<std::string> keys(const std::vector<watch_event>& evs) {
    std::vector<std::string> out;
    for (auto& ev : evs)
      out.push_back(ev.key + "@" + std::to_string(ev.rev));
    return out;
  }

  std::optional<db> db_;
};

using strings = std::vector<std::string>;

TEST_F(WatchClientTest, AStreamSeesWritesAfterItStartsNotBefore) {
  ASSERT_TRUE(db_->set("k", "1"));
  auto w = db_->watch("k");
  EXPECT_EQ(w.start_revision(), 2u);
  EXPECT_EQ(w.try_next(), std::nullopt);
  EXPECT_EQ(w.next(1ms), std::nullopt);
  EXPECT_FALSE(w.done());
  ASSERT_TRUE(db_->set("k", "2"));
  ASSERT_TRUE(*db_->del("k"));
  ASSERT_TRUE(db_->set("k", "3"));
  auto evs = take(w, 3);
  ASSERT_EQ(evs.size(), 3u);
  EXPECT_EQ(evs[0].kind, event_kind::update);
  EXPECT_EQ(evs[0].value, "2");
  EXPECT_EQ(evs[0].meta.version, 2u);
  EXPECT_EQ(evs[1].kind, event_kind::del);
  EXPECT_EQ(evs[2].kind, event_kind::create);
  EXPECT_EQ(w.reached(), 4u);
}

TEST_F(WatchClientTest, PrefixFooSeesFooAndFooBarButNotFoAndBinaryKeysWork) {
  auto foo = db_->watch_prefix("foo");
  auto bin = db_->watch_prefix("a\0"s);
  auto range = db_->watch_range("b", "d");
  for (auto k : {"fo"s, "foo"s, "foo/bar"s, "fop"s, "a"s, "a\0\xff"s, "a\x01"s, "b"s, "c\xff"s, "d"s})
    ASSERT_TRUE(db_->set(k, "v"));
  EXPECT_EQ(keys(take(foo, 2)), (strings{"foo@2", "foo/bar@3"}));
  EXPECT_EQ(keys(take(bin, 1)), (strings{"a\0\xff@6"s}));
  EXPECT_EQ(keys(take(range, 2)), (strings{"b@8", "c\xff@9"}));
  EXPECT_EQ(foo.try_next(), std::nullopt);
  EXPECT_EQ(range.try_next(), std::nullopt);
}

TEST_F(WatchClientTest, AllEventsOfOneCommitArriveTogether) {
  auto w = db_->watch_prefix("b/", {.prev_value = true});
  ASSERT_TRUE(db_->set("b/1", "old"));
  batch b;
  b.set("b/1", "new").set("b/2", "x").del("b/1");
  auto rev = db_->write(b);
  ASSERT_TRUE(rev);
  auto evs = take(w, 4);
  ASSERT_EQ(evs.size(), 4u);
  EXPECT_EQ(keys(evs), (strings{"b/1@1", "b/1@2", "b/2@2", "b/1@2"}));
  EXPECT_EQ(evs[1].prev_value, "old");
  EXPECT_EQ(evs[3].prev_value, "new");
  EXPECT_EQ(w.reached(), 2u);
}

TEST_F(WatchClientTest, AWatchResumesFromARevisionInTheHistory) {
  for (int i = 1; i <= 10; ++i)
    ASSERT_TRUE(db_->set("r/" + std::to_string(i % 3), std::to_string(i)));
  auto w = db_->watch_prefix("r/", {.start_rev = 4, .kinds = watch_filter::puts});
  auto evs = take(w, 7);
  ASSERT_EQ(evs.size(), 7u);
  for (size_t i = 0; i < evs.size(); ++i)
    EXPECT_EQ(evs[i].rev, i + 4);
}

TEST_F(WatchClientTest, AStartOutsideTheHistoryEndsCompactedWithTheOldestRevision) {
  reopen(small_history);
  batch big;  // one commit larger than the whole history
  for (int i = 0; i < 50'000; ++i)
    big.set("big/" + std::to_string(i), std::string(100, 'x'));
  ASSERT_TRUE(db_->write(big));
  ASSERT_TRUE(db_->set("after", "1"));
  auto w = db_->watch("after", {.start_rev = 1});
  EXPECT_EQ(w.next(), std::nullopt);
  EXPECT_EQ(w.error().code(), errc::compacted);
  EXPECT_NE(w.error().message().find("oldest available revision is 2"), std::string::npos);
  ASSERT_TRUE(w.ended());
  EXPECT_EQ(w.ended()->compact_rev, 2u);
  auto again = db_->watch("after", {.start_rev = w.ended()->compact_rev});
  EXPECT_EQ(keys(take(again, 1)), (strings{"after@2"}));
  auto s = db_->stats();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->history_oldest_rev, 2u);
  EXPECT_GT(s->history_bytes, 0u);
  EXPECT_LE(s->history_bytes, small_history);
}

TEST_F(WatchClientTest, AReaderThatFallsBehindIsPacedNotCancelledAndGetsEverything) {
  auto w = db_->watch_prefix("o/", {.queue_limit = 8});
  for (int i = 1; i <= 20; ++i)
    ASSERT_TRUE(db_->set("o/" + std::to_string(i), "v"));
  auto all = take(w, 20);
  ASSERT_EQ(all.size(), 20u) << w.error().to_string();
  for (size_t i = 0; i < all.size(); ++i)
    EXPECT_EQ(all[i].key, "o/" + std::to_string(i + 1));
  EXPECT_FALSE(w.ended());
  EXPECT_EQ(w.reached(), 20u);
}

TEST_F(WatchClientTest, AStoppedReaderEndsWithOverflowOnceTheHistoryLosesItsPlace) {
  reopen(small_history);
  auto w = db_->watch_prefix("o/", {.queue_limit = 8});
  const std::string value(1000, 'v');
  // Never read: it gets 8, then waits in the history until the history
  // (4 MiB here) no longer holds revision 9.
  for (int i = 1; i <= 6000; ++i)
    ASSERT_TRUE(db_->set("o/" + std::to_string(i), value));
  ASSERT_TRUE(eventually([&] { return w.ended().has_value(); }));
  EXPECT_EQ(w.error().code(), errc::overflow);
  EXPECT_NE(w.error().message().find("resume from revision 9"), std::string::npos)
    << w.error().message();
  auto first = take(w, 100);  // what was queued is still there to read
  EXPECT_EQ(first.size(), 8u);
  EXPECT_EQ(w.reached(), 8u);
  // What the hub held for it was the shared history, within its bound.
  auto st = db_->stats();
  ASSERT_TRUE(st);
  EXPECT_LE(st->history_bytes, small_history);
  EXPECT_GT(st->history_oldest_rev, 9u);
}

TEST_F(WatchClientTest, CancelAndDestroyEndTheStream) {
  auto w = db_->watch("c");
  ASSERT_TRUE(db_->set("c", "1"));
  ASSERT_TRUE(eventually([&] { return w.reached() >= 1 || w.try_next(); }));
  w.cancel();
  EXPECT_EQ(w.next(), std::nullopt);
  EXPECT_TRUE(w.done());
  EXPECT_TRUE(w.error());
  EXPECT_EQ(w.ended()->code, errc::ok);
  { auto gone = db_->watch_prefix(""); }  // the destructor cancels
  ASSERT_TRUE(db_->set("c", "2"));
  EXPECT_TRUE(db_->close());
}

TEST_F(WatchClientTest, CloseEndsABlockedReaderAndARangeForLoopCleanly) {
  auto w = db_->watch_prefix("");
  std::atomic<int> seen{0};
  std::thread reader([&] {
    for (const watch_event& ev : w) {
      (void) ev;
      ++seen;
    }
  });
  ASSERT_TRUE(db_->set("x", "1"));
  ASSERT_TRUE(db_->set("y", "2"));
  ASSERT_TRUE(eventually([&] { return seen == 2; }));
  ASSERT_TRUE(db_->close());
  reader.join();
  EXPECT_EQ(w.error().code(), errc::closed);
  EXPECT_EQ(w.reached(), 2u);
  auto late = db_->watch("x");
  EXPECT_EQ(late.error().code(), errc::closed);
}

TEST_F(WatchClientTest, CallbacksRunInOrderAndEndOnClose) {
  std::vector<std::string> got;
  std::mutex mu;
  std::optional<watch_end> end;
  auto h = db_->watch(
    watch_request::for_prefix("cb/"),
    [&](const watch_event& ev) {
      std::lock_guard lk(mu);
      got.push_back(ev.key);
    },
    [&](const watch_end& e) {
      std::lock_guard lk(mu);
      end = e;
    });
  for (int i = 0; i < 50; ++i)
    ASSERT_TRUE(db_->set("cb/" + std::to_string(i), "v"));
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lk(mu);
    return got.size() == 50;
  }));
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(got[static_cast<size_t>(i)], "cb/" + std::to_string(i));
  ASSERT_TRUE(db_->close());
  std::lock_guard lk(mu);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->code, errc::closed);
  EXPECT_EQ(end->reached, 50u);
}

TEST_F(WatchClientTest, AnIdleStreamGetsProgressEvents) {
  ASSERT_TRUE(db_->set("elsewhere", "1"));
  auto w = db_->watch("quiet", {.progress = 5ms});
  ASSERT_TRUE(db_->set("elsewhere", "2"));
  auto ev = w.next(10s);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->kind, event_kind::progress);
  EXPECT_GE(ev->rev, 1u);
  EXPECT_TRUE(eventually([&] {
    auto p = w.try_next();
    return p && p->rev == 2;
  }));
}

TEST_F(WatchClientTest, AThousandWatchersOnOnePrefixEachSeeEverything) {
  std::vector<watch_stream> streams;
  for (int i = 0; i < 1000; ++i)
    streams.push_back(db_->watch_prefix("hot/"));
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(db_->set("hot/" + std::to_string(i), std::to_string(i)));
  for (auto& s : streams) {
    auto evs = take(s, 20);
    ASSERT_EQ(evs.size(), 20u);
    for (int i = 0; i < 20; ++i)
      ASSERT_EQ(evs[static_cast<size_t>(i)].value, std::to_string(i));
  }
}

TEST_F(WatchClientTest, BadRequestsComeBackEndedWithAReason) {
  EXPECT_EQ(db_->watch("").error().code(), errc::invalid_argument);
  EXPECT_EQ(db_->watch_range("b", "a").error().code(), errc::invalid_argument);
  EXPECT_EQ(db_->watch_prefix("", {.kinds = watch_filter::none}).error().code(),
            errc::invalid_argument);
  auto ok = db_->watch_prefix("");
  EXPECT_TRUE(ok.error());
  EXPECT_FALSE(ok.ended());
}

TEST_F(WatchClientTest, AWatchCatchingUpThroughCommitsNearItsQueueLimitNeverStalls) {
  // Commits of 15 events against a queue of 16: after the first, the reader
  // has consumed everything but the few events short of its next ack, and
  // the next commit does not fit beside them. The reader must ack what it
  // holds once it has read it all, or the watch waits forever, silently.
  for (int c = 0; c < 3; ++c) {
    batch b;
    for (int i = 0; i < 15; ++i)
      b.set("burst/" + std::to_string(c) + "/" + std::to_string(i), "v");
    ASSERT_TRUE(db_->write(b));
  }
  watch_options wo;
  wo.start_rev = 1;
  wo.queue_limit = 16;
  auto w = db_->watch_prefix("burst/", wo);
  size_t seen = 0;
  while (seen < 45) {
    auto ev = w.next(10s);
    ASSERT_TRUE(ev) << "the watch stalled after " << seen << " events: " << w.error().to_string();
    ++seen;
  }
  ASSERT_TRUE(db_->set("burst/after", "1"));  // and it is live afterwards
  auto ev = w.next(10s);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->key, "burst/after");
  EXPECT_FALSE(w.done());
}

TEST_F(WatchClientTest, AResumeLoopThroughAnExpiryBurstNeverStallsAndLosesNothing) {
  // Issue 14's report: a watch on everything, resumed from reached() + 1
  // after each overflow, through a burst of expiries (commits of thousands
  // of events). Every put and every expiry must arrive once, in order.
  const int n = 30'000;
  for (int i = 0; i < n; i += 1000) {
    batch b;
    for (int j = i; j < i + 1000; ++j)
      b.set("ttl/" + std::to_string(j), "v", 300ms);
    ASSERT_TRUE(db_->write(b));
  }
  revision from = 1, last = 0;
  size_t puts = 0, expires = 0;
  while (expires < static_cast<size_t>(n)) {
    watch_options wo;
    wo.start_rev = from;
    auto w = db_->watch_prefix("", wo);
    while (expires < static_cast<size_t>(n)) {
      auto ev = w.next(10s);
      if (!ev)
        break;
      ASSERT_GE(ev->rev, last) << "out of order";
      last = ev->rev;
      (ev->kind == event_kind::expire ? expires : puts) += 1;
    }
    if (expires == static_cast<size_t>(n))
      break;
    ASSERT_TRUE(w.done()) << "stalled: no event for 10 s at revision " << w.reached() << ", store at "
                          << db_->stats()->rev << ", " << expires << " expiries seen";
    ASSERT_EQ(w.error().code(), errc::overflow) << w.error().to_string();
    from = w.reached() + 1;
  }
  EXPECT_EQ(puts, static_cast<size_t>(n));
  EXPECT_EQ(expires, static_cast<size_t>(n));
}

// Issue 14's bursts: a default watch read in a tight loop gets every event
// of 100k TTL keys set and then expired, in order, and is never cancelled.
TEST_F(WatchClientTest, ADefaultWatchReadingInALoopKeepsUpWithAnExpiryBurst) {
  const int n = 100'000;
  auto w = db_->watch_prefix("");
  std::thread writer([&] {
    for (int i = 0; i < n; i += 1000) {
      batch b;
      for (int j = i; j < i + 1000; ++j)
        b.set("ttl/" + std::to_string(j), "v", 1s);
      ASSERT_TRUE(db_->write(b));
    }
  });
  size_t puts = 0, expires = 0;
  revision last = 0;
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while (expires < static_cast<size_t>(n) && std::chrono::steady_clock::now() < give_up) {
    auto ev = w.next(10s);
    ASSERT_TRUE(ev) << "after " << puts << " puts and " << expires << " expiries: " << w.error().to_string();
    ASSERT_GE(ev->rev, last);
    last = ev->rev;
    (ev->kind == event_kind::expire ? expires : puts) += 1;
  }
  writer.join();
  EXPECT_EQ(puts, static_cast<size_t>(n));
  EXPECT_EQ(expires, static_cast<size_t>(n));
  EXPECT_FALSE(w.done());
}

TEST_F(WatchClientTest, ADefaultWatchReadingInALoopKeepsUpWithAsyncSets) {
  const int n = 100'000;
  auto w = db_->watch_prefix("a/");
  std::thread writer([&] {
    std::vector<write_future> out;
    for (int i = 0; i < n; ++i) {
      out.push_back(db_->set_async("a/" + std::to_string(i), "v"));
      if (out.size() == 8192) {
        for (auto& f : out)
          ASSERT_TRUE(f.get());
        out.clear();
      }
    }
    for (auto& f : out)
      ASSERT_TRUE(f.get());
  });
  for (int i = 0; i < n; ++i) {
    auto ev = w.next(10s);
    ASSERT_TRUE(ev) << "after " << i << " events: " << w.error().to_string();
    ASSERT_EQ(ev->key, "a/" + std::to_string(i));
  }
  writer.join();
  EXPECT_FALSE(w.done());
}

} // namespace
} // namespace moss
