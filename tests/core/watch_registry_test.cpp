// The watch registry without actors: live dispatch, filters, previous values,
// history replay paced by acks, pacing of a full queue, fragments of a large
// commit, compaction, overflow once the history loses a watcher's place,
// progress notices, and a randomized run against a model.
#include <gtest/gtest.h>

#include "core/watch_registry.hpp"
#include "tests/core/watch_test_util.hpp"

namespace moss {
namespace {

using test::del_op;
using test::put_op;

class WatchRegistryTest : public ::testing::Test {
protected:
  watch_id add(watch_request req, revision start = 0, int64_t now = 0) {
    req.start_rev = start != 0 ? start : reg_.rev() + 1;
    auto a = reg_.add(std::move(req));
    EXPECT_TRUE(a) << a.error().to_string();
    reg_.start(a->slot, now, sink_);
    return a->id;
  }
  void commit(revision rev, std::vector<write_op> ops) {
    reg_.on_group(test::group_builder{}.commit(rev, std::move(ops)).build(), sink_);
  }
  std::vector<std::string> keys(watch_id id) {
    std::vector<std::string> out;
    for (auto& ev : sink_.by_id[id].events)
      out.push_back(ev.key + "@" + std::to_string(ev.rev));
    return out;
  }

  watch_config cfg_;
  watch_registry reg_{cfg_};
  test::recording_sink sink_;
};

using strings = std::vector<std::string>;

TEST_F(WatchRegistryTest, LiveWatchersGetWholeCommitsInRevisionOrder) {
  watch_id w = add(watch_request::for_prefix("app/"));
  reg_.on_group(test::group_builder{}
                  .commit(1, {put_op("app/a", "1"), put_op("other", "x"), put_op("app/b", "2")})
                  .commit(2, {del_op("app/a")})
                  .build(),
                sink_);
  commit(3, {put_op("other", "y")});
  commit(4, {put_op("app/c", "3")});
  EXPECT_EQ(keys(w), (strings{"app/a@1", "app/b@1", "app/a@2", "app/c@4"}));
  // One batch per group that had something for it, each saying how far it got.
  EXPECT_EQ(sink_.by_id[w].batches, (std::vector<revision>{2, 4}));
}

TEST_F(WatchRegistryTest, EventKindsFilterAndPreviousValues) {
  watch_request deletes = watch_request::for_prefix("k");
  deletes.kinds = watch_filter::deletes | watch_filter::expires;
  watch_id d = add(deletes);
  watch_request prev = watch_request::for_key("k1");
  prev.prev_value = true;
  watch_id p = add(prev);
  watch_id plain = add(watch_request::for_key("k1"));
  commit(1, {put_op("k1", "a")});
  commit(2, {put_op("k1", "b", true, "a")});
  commit(3, {del_op("k1", "b")});
  commit(4, {del_op("k2", "z", change_kind::expire)});
  auto& pe = sink_.by_id[p].events;
  ASSERT_EQ(pe.size(), 3u);
  EXPECT_EQ(pe[0].kind, event_kind::create);
  EXPECT_FALSE(pe[0].has_prev);
  EXPECT_EQ(pe[1].kind, event_kind::update);
  EXPECT_EQ(pe[1].value, "b");
  EXPECT_TRUE(pe[1].has_prev);
  EXPECT_EQ(pe[1].prev_value, "a");
  EXPECT_EQ(pe[2].kind, event_kind::del);
  EXPECT_EQ(pe[2].prev_value, "b");
  EXPECT_FALSE(sink_.by_id[plain].events[1].has_prev);  // not asked for
  EXPECT_EQ(keys(d), (strings{"k1@3", "k2@4"}));
  EXPECT_EQ(sink_.by_id[d].events[1].kind, event_kind::expire);
}

TEST_F(WatchRegistryTest, AStartInTheHistoryReplaysThenGoesLive) {
  for (revision r = 1; r <= 5; ++r)
    commit(r, {put_op("k" + std::to_string(r), "v")});
  watch_id w = add(watch_request::for_prefix("k"), 3);
  EXPECT_EQ(keys(w), (strings{"k3@3", "k4@4", "k5@5"}));
  commit(6, {put_op("k6", "v")});
  EXPECT_EQ(keys(w).back(), "k6@6");
  EXPECT_EQ(reg_.stats().catching_up, 0u);
}

TEST_F(WatchRegistryTest, AStartOlderThanTheHistoryIsCompacted) {
  watch_config small;
  small.history_ops = 3;
  watch_registry reg{small};
  for (revision r = 1; r <= 6; ++r)
    reg.on_group(test::group_builder{}.commit(r, {put_op("k", "v")}).build(), sink_);
  EXPECT_EQ(reg.oldest_rev(), 4u);
  watch_request req = watch_request::for_key("k");
  req.start_rev = 3;
  auto a = reg.add(req);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.code(), errc::compacted);
  EXPECT_NE(a.error().message().find("oldest available revision is 4"), std::string::npos);
  req.start_rev = 4;
  EXPECT_TRUE(reg.add(req));
}

TEST_F(WatchRegistryTest, AFullQueuePacesTheWatcherAndAcksResumeItWithNothingLost) {
  watch_request req = watch_request::for_prefix("k");
  req.queue_limit = 4;
  watch_id w = add(req);
  for (revision r = 1; r <= 4; ++r)
    commit(r, {put_op("k", std::to_string(r))});
  commit(5, {put_op("other", "x")});
  commit(6, {put_op("k", "6")});  // a fifth unacknowledged event waits: paced, not cancelled
  commit(7, {put_op("k", "7")});
  EXPECT_FALSE(sink_.by_id[w].end);
  EXPECT_EQ(sink_.by_id[w].events.size(), 4u);
  EXPECT_EQ(reg_.stats().catching_up, 1u);
  EXPECT_EQ(reg_.stats().paced, 1u);
  reg_.ack(w, 4, sink_);  // room: the rest comes from the history, and it is live again
  EXPECT_EQ(keys(w), (strings{"k@1", "k@2", "k@3", "k@4", "k@6", "k@7"}));
  EXPECT_EQ(reg_.stats().catching_up, 0u);
  commit(8, {put_op("k", "8")});
  EXPECT_EQ(keys(w).back(), "k@8");
  EXPECT_FALSE(sink_.by_id[w].end);
}

TEST_F(WatchRegistryTest, AWatcherEndsWithOverflowOnlyWhenTheHistoryLosesItsPlace) {
  watch_config small;
  small.history_ops = 4;
  watch_registry reg{small};
  auto push = [&](revision r) {
    reg.on_group(test::group_builder{}.commit(r, {put_op("k", std::to_string(r))}).build(), sink_);
  };
  watch_request req = watch_request::for_key("k");
  req.queue_limit = 2;
  req.start_rev = 1;
  auto a = reg.add(req);
  ASSERT_TRUE(a);
  reg.start(a->slot, 0, sink_);
  for (revision r = 1; r <= 6; ++r)
    push(r);  // 1-2 sent, 3-6 in the history, waiting for acks
  EXPECT_FALSE(sink_.by_id[a->id].end);
  push(7);  // revision 3 leaves the history before the watcher got it
  auto& end = sink_.by_id[a->id].end;
  ASSERT_TRUE(end);
  EXPECT_EQ(end->code, errc::overflow);
  EXPECT_EQ(end->reached, 2u);
  EXPECT_NE(end->message.find("resume from revision 3"), std::string::npos) << end->message;
  EXPECT_FALSE(reg.contains(a->id));
}

TEST_F(WatchRegistryTest, ACommitLargerThanTheQueueComesInFragments) {
  watch_request req = watch_request::for_prefix("k");
  req.queue_limit = 2;
  watch_id w = add(req);
  commit(1, {put_op("k1", "1"), put_op("x", "-"), put_op("k2", "2"), put_op("k3", "3"),
             put_op("k4", "4"), put_op("k5", "5")});  // 5 events > 2
  auto& log = sink_.by_id[w];
  ASSERT_EQ(log.events.size(), 2u);
  EXPECT_EQ(log.batches, (std::vector<revision>{0}));  // revision 1 is not whole yet
  EXPECT_EQ(log.fragments, (std::vector<bool>{true}));
  commit(2, {put_op("k1", "again")});
  reg_.ack(w, 2, sink_);
  EXPECT_EQ(log.events.size(), 4u);
  reg_.ack(w, 4, sink_);  // the last fragment, then revision 2 with it
  EXPECT_EQ(keys(w), (strings{"k1@1", "k2@1", "k3@1", "k4@1", "k5@1", "k1@2"}));
  EXPECT_EQ(log.batches, (std::vector<revision>{0, 0, 2}));
  EXPECT_EQ(log.fragments, (std::vector<bool>{true, true, false}));
  EXPECT_FALSE(log.end);
  // Forged and stale acks change nothing: never more than the limit outstanding.
  reg_.ack(w, 99, sink_);
  reg_.ack(w, 1, sink_);
  for (revision r = 3; r <= 6; ++r)
    commit(r, {put_op("k1", std::to_string(r))});
  EXPECT_EQ(log.items - 4, 2u) << "a forged ack switched the bound off";
  reg_.ack(w, log.items, sink_);
  reg_.ack(w, log.items, sink_);
  EXPECT_EQ(log.events.size(), 10u);
  EXPECT_FALSE(log.end);
}

TEST_F(WatchRegistryTest, HistoryReplayIsPacedByAcks) {
  for (revision r = 1; r <= 10; ++r)
    commit(r, {put_op("k", std::to_string(r))});
  watch_request req = watch_request::for_key("k");
  req.queue_limit = 4;
  watch_id w = add(req, 1);
  EXPECT_EQ(sink_.by_id[w].events.size(), 4u);
  EXPECT_EQ(sink_.by_id[w].batches.back(), 4u);
  commit(11, {put_op("k", "11")});  // still replaying: not sent live, no overflow
  EXPECT_EQ(sink_.by_id[w].events.size(), 4u);
  EXPECT_EQ(reg_.stats().catching_up, 1u);
  reg_.ack(w, 2, sink_);
  EXPECT_EQ(sink_.by_id[w].events.size(), 6u);
  reg_.ack(w, 6, sink_);
  reg_.ack(w, 10, sink_);
  EXPECT_EQ(sink_.by_id[w].events.size(), 11u);
  EXPECT_EQ(reg_.stats().catching_up, 0u);
  commit(12, {put_op("k", "12")});
  ASSERT_EQ(sink_.by_id[w].events.size(), 12u);
  for (size_t i = 0; i < 12; ++i)
    EXPECT_EQ(sink_.by_id[w].events[i].rev, i + 1);
  EXPECT_FALSE(sink_.by_id[w].end);
}

TEST_F(WatchRegistryTest, AReplayThatLosesItsHistoryEndsCompacted) {
  watch_config small;
  small.history_ops = 6;
  watch_registry reg{small};
  auto push = [&](revision r) {
    reg.on_group(test::group_builder{}.commit(r, {put_op("k", "v")}).build(), sink_);
  };
  for (revision r = 1; r <= 6; ++r)
    push(r);
  watch_request req = watch_request::for_key("k");
  req.queue_limit = 2;
  req.start_rev = 1;
  auto a = reg.add(req);
  ASSERT_TRUE(a);
  reg.start(a->slot, 0, sink_);
  EXPECT_EQ(sink_.by_id[a->id].events.size(), 2u);
  push(7);
  push(8);  // revisions 1-2 are dropped; the watcher needs 3 next: still there
  EXPECT_FALSE(sink_.by_id[a->id].end);
  push(9);  // revision 3 is dropped before the watcher got there
  auto& end = sink_.by_id[a->id].end;
  ASSERT_TRUE(end);
  EXPECT_EQ(end->code, errc::compacted);
  EXPECT_EQ(end->compact_rev, 4u);
  EXPECT_EQ(end->reached, 2u);
}

TEST_F(WatchRegistryTest, ProgressNoticesComeOnlyWhenIdle) {
  const int64_t ms = 1'000'000;
  watch_request req = watch_request::for_key("k");
  req.progress_ms = 100;
  watch_id w = add(req, 0, 0);
  EXPECT_EQ(reg_.tick(50 * ms, sink_), 100 * ms);  // not due yet
  commit(1, {put_op("other", "x")});
  EXPECT_EQ(reg_.tick(100 * ms, sink_), 200 * ms);
  ASSERT_EQ(sink_.by_id[w].batches, (std::vector<revision>{1}));  // a notice at revision 1
  EXPECT_TRUE(sink_.by_id[w].events.empty());
  commit(2, {put_op("k", "v")});
  reg_.tick(200 * ms, sink_);  // it got an event in this interval: no notice
  EXPECT_EQ(sink_.by_id[w].batches.size(), 2u);
  reg_.tick(300 * ms, sink_);
  EXPECT_EQ(sink_.by_id[w].batches.back(), 2u);
  EXPECT_EQ(sink_.by_id[w].items, 3u);  // notices count against the queue
}

TEST_F(WatchRegistryTest, CancelAndEndAllSayWhereEachWatchStopped) {
  watch_id a = add(watch_request::for_key("a"));
  watch_id b = add(watch_request::for_range("a", "c"));
  commit(1, {put_op("a", "1")});
  EXPECT_TRUE(reg_.cancel(a, errc::ok, "cancelled", sink_));
  EXPECT_FALSE(reg_.cancel(a, errc::ok, "cancelled", sink_));
  EXPECT_EQ(sink_.by_id[a].end->code, errc::ok);
  EXPECT_EQ(sink_.by_id[a].end->reached, 1u);
  commit(2, {put_op("b", "1")});
  reg_.end_all(errc::closed, "closing", sink_);
  EXPECT_EQ(sink_.by_id[b].end->code, errc::closed);
  EXPECT_EQ(sink_.by_id[b].end->reached, 2u);
  EXPECT_EQ(reg_.size(), 0u);
}

TEST_F(WatchRegistryTest, BadRequestsAreRefused) {
  auto bad = [&](watch_request r) {
    r.start_rev = 1;
    return reg_.add(r).code();
  };
  EXPECT_EQ(bad(watch_request::for_key("")), errc::invalid_argument);
  EXPECT_EQ(bad(watch_request::for_range("b", "a")), errc::invalid_argument);
  EXPECT_EQ(bad(watch_request::for_range("a", "a")), errc::invalid_argument);
  watch_request none = watch_request::for_prefix("");
  none.kinds = watch_filter::none;
  EXPECT_EQ(bad(none), errc::invalid_argument);
  EXPECT_EQ(bad(watch_request::for_key(std::string(70'000, 'k'))), errc::invalid_argument);
  EXPECT_EQ(bad(watch_request::for_prefix("")), errc::ok);
}

// Random commits, random watchers starting at random revisions, random acks:
// each watcher gets exactly the model's filtered history from its start (up
// to the revision it reached if it overflowed or lost its history).
TEST_F(WatchRegistryTest, RandomizedAgainstAModel) {
  std::mt19937_64 rng(test::test_seed());
  watch_config cfg;
  cfg.history_ops = 200;
  watch_registry reg{cfg};
  test::recording_sink sink;
  std::vector<write_op> model;  // every op ever, in revision order
  std::map<watch_id, watch_request> reqs;
  std::map<watch_id, uint64_t> consumed;
  const char* keys[] = {"a", "a/b", "a/c", "ab", "b", "b/x", "c"};
  auto random_key = [&] { return std::string{keys[rng() % 7]}; };
  revision rev = 0;
  for (int step = 0; step < 4000; ++step) {
    switch (rng() % 10) {
      case 0: {  // a new watcher
        watch_request req;
        switch (rng() % 3) {
          case 0: req = watch_request::for_key(random_key()); break;
          case 1: req = watch_request::for_prefix(random_key().substr(0, 1 + rng() % 2)); break;
          default: req = watch_request::for_range("a/", rng() % 2 ? "b" : "");
        }
        req.kinds = static_cast<watch_filter>(1 + rng() % 7);
        req.prev_value = rng() % 2;
        req.queue_limit = 1 + static_cast<uint32_t>(rng() % 20);
        req.start_rev = std::max<revision>(reg.oldest_rev(), rev + 1 - rng() % 50);
        auto a = reg.add(req);
        ASSERT_TRUE(a) << a.error().to_string();
        reqs[a->id] = req;
        reg.start(a->slot, 0, sink);
        break;
      }
      case 1:
      case 2: {  // a subscriber consumes some
        if (reqs.empty())
          break;
        auto it = std::next(reqs.begin(), static_cast<long>(rng() % reqs.size()));
        auto& c = consumed[it->first];
        c = std::min<uint64_t>(sink.by_id[it->first].items, c + rng() % 8);
        reg.ack(it->first, c, sink);
        break;
      }
      default: {  // a group of 1-3 commits of 1-3 ops
        test::group_builder b;
        for (int c = 0, n = 1 + static_cast<int>(rng() % 3); c < n; ++c) {
          std::vector<write_op> ops;
          for (int i = 0, m = 1 + static_cast<int>(rng() % 3); i < m; ++i) {
            write_op op = rng() % 3 == 0 ? del_op(random_key(), "old") : put_op(random_key(), "v", rng() % 2, "p");
            ops.push_back(op);
          }
          b.commit(++rev, ops);
          for (auto& op : ops) {
            op.rev = rev;
            if (op.kind == change_kind::put)
              op.meta.mod_rev = rev;
            model.push_back(op);
          }
        }
        reg.on_group(b.build(), sink);
      }
    }
  }
  // Consumers catch up: watchers still replaying history finish it.
  for (bool more = true; more;) {
    more = false;
    for (const auto& [id, req] : reqs) {
      auto& log = sink.by_id[id];
      if (!log.end && consumed[id] < log.items) {
        consumed[id] = log.items;
        reg.ack(id, log.items, sink);
        more = true;
      }
    }
  }
  EXPECT_EQ(reg.stats().catching_up, 0u);
  size_t overflowed = 0;
  for (const auto& [id, req] : reqs) {
    auto& log = sink.by_id[id];
    revision until = log.end ? log.end->reached : rev;
    if (log.end)
      ++overflowed;
    // Every covered event up to `until`, then (a watcher that ended in a
    // fragmented commit) a prefix of that commit's events.
    std::vector<watch_event> expected, partial;
    for (const write_op& op : model) {
      watch_event ev = make_event(op, req.prev_value);
      if (op.rev >= req.start_rev && op.rev <= until + 1 && covers(req, op.key) && wants(req.kinds, ev.kind))
        (op.rev <= until ? expected : partial).push_back(ev);
    }
    ASSERT_GE(log.events.size(), expected.size()) << "watch " << id;
    std::vector<watch_event> whole(log.events.begin(), log.events.begin() + static_cast<long>(expected.size()));
    ASSERT_EQ(whole, expected) << "watch " << id;
    std::vector<watch_event> rest(log.events.begin() + static_cast<long>(expected.size()), log.events.end());
    ASSERT_LE(rest.size(), partial.size()) << "watch " << id;
    if (!log.end) {
      ASSERT_TRUE(rest.empty()) << "watch " << id;
    }
    partial.resize(rest.size());
    ASSERT_EQ(rest, partial) << "watch " << id;
  }
  EXPECT_GT(overflowed, 0u);
  EXPECT_LT(overflowed, reqs.size());
}

} // namespace
} // namespace moss
