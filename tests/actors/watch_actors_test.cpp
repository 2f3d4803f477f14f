// The watch hub on CAF's deterministic test coordinator: actor subscribers
// through the store actor, "now" versus past start revisions, the compacted
// error with its revision, pacing and acks, unwatch, a subscriber going
// down, progress notices on the test clock, and the store's exit.
#include <optional>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <gtest/gtest.h>

#include <moss/messages/errors.hpp>

#include "actors/spawn_store.hpp"
#include "actors/watch_hub.hpp"
#include "tests/actors/store_fixture.hpp"

using namespace std::chrono_literals;

namespace moss {
namespace {

// What a test subscriber received.
struct sub_log {
  std::vector<watch_event> events;
  std::vector<revision> batches;  ///< rev of each batch (progress notices included)
  uint64_t items = 0;
  std::optional<watch_end> end;
  bool auto_ack = false;
};

watch_subscriber::behavior_type recorder(watch_subscriber::pointer self,
                                         std::shared_ptr<sub_log> log, watch_hub_actor hub) {
  return {
    [self, log, hub](watch_batch& b) {
      log->batches.push_back(b.rev);
      log->items += b.events.empty() ? 1 : b.events.size();
      for (auto& ev : b.events)
        log->events.push_back(std::move(ev));
      if (log->auto_ack)
        self->send(hub, watch_ack_atom_v, b.id, log->items, self->address());
    },
    [log](watch_end& e) { log->end = std::move(e); },
  };
}

class WatchActorsTest : public test::store_fixture {
protected:
  WatchActorsTest() {
    options opts;
    opts.shards = 2;
    start(opts);
  }

  ~WatchActorsTest() override {
    for (auto& s : subs_)
      caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
    stop();
    subs_.clear();
  }

  void put(std::string key, std::string value) {
    (void) commit(txn_request::of(txn_op::put(std::move(key), std::move(value))));
    sched_->run();
  }

  // An ack as `from` would send it (through the store front, which passes
  // its sender on).
  void self_send_ack(const watch_subscriber& from, watch_id id, uint64_t consumed) {
    caf::send_as(from, parts_.store, watch_ack_atom_v, id, consumed);
    sched_->run();
  }

  // A subscriber recording into the returned log.
  std::pair<watch_subscriber, std::shared_ptr<sub_log>> subscriber(watch_hub_actor hub = {}) {
    auto log = std::make_shared<sub_log>();
    auto sub = sys_->spawn(recorder, log, hub ? hub : parts_.hub);
    subs_.push_back(sub);
    return {sub, log};
  }

  // Asks `dest` to watch, as a CAF client would, and runs until answered.
  template <class Dest>
  caf::expected<watch_created> watch(const Dest& dest, watch_request req, watch_subscriber sub) {
    std::optional<caf::expected<watch_created>> out;
    sys_->spawn([&](caf::event_based_actor* self) {
      self->request(dest, caf::infinite, watch_atom_v, req, sub)
        .then([&](watch_created& c) { out.emplace(c); },
              [&](caf::error& err) { out.emplace(std::move(err)); });
    });
    sched_->run();
    if (!out)
      return caf::make_error(errc::timeout, "no answer");
    return std::move(*out);
  }

  watch_stats hub_stats(watch_hub_actor hub = {}) {
    watch_stats out;
    sys_->spawn([&](caf::event_based_actor* self) {
      self->request(hub ? hub : parts_.hub, caf::infinite, stats_atom_v)
        .then([&](watch_stats s) { out = s; });
    });
    sched_->run();
    return out;
  }

  std::vector<std::string> keys(const sub_log& log) {
    std::vector<std::string> out;
    for (auto& ev : log.events)
      out.push_back(ev.key + "@" + std::to_string(ev.rev));
    return out;
  }

  std::vector<watch_subscriber> subs_;
};

using strings = std::vector<std::string>;

TEST_F(WatchActorsTest, AnActorSubscribesThroughTheStoreAndGetsWholeCommits) {
  auto [sub, log] = subscriber();
  auto created = watch(parts_.store, watch_request::for_prefix("app/"), sub);
  ASSERT_TRUE(created) << caf::to_string(created.error());
  EXPECT_EQ(created->start_rev, 1u);
  EXPECT_EQ(created->queue_limit, 4096u);
  put("app/a", "1");
  put("other", "x");
  txn_request multi;
  multi.success = {txn_op::put("app/b", "2"), txn_op::del("app/a"), txn_op::put("zzz", "3")};
  caf::anon_send(parts_.coordinator, commit_atom_v,
                 local_commit{multi, std::make_shared<reply_token>(std::make_shared<reply_slot>())});
  sched_->run();
  EXPECT_EQ(keys(*log), (strings{"app/a@1", "app/b@3", "app/a@3"}));
  EXPECT_EQ(log->events[2].kind, event_kind::del);
  EXPECT_EQ(log->batches, (std::vector<revision>{1, 3}));  // one batch per commit group
}

TEST_F(WatchActorsTest, AWatchFromNowSkipsWritesAlreadyCommitted) {
  put("k", "1");
  auto [sub, log] = subscriber();
  auto created = watch(parts_.store, watch_request::for_key("k"), sub);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->start_rev, 2u);
  put("k", "2");
  ASSERT_EQ(log->events.size(), 1u);
  EXPECT_EQ(log->events[0].value, "2");
  EXPECT_EQ(log->events[0].kind, event_kind::update);
}

TEST_F(WatchActorsTest, APastStartReplaysWithPreviousValues) {
  put("k", "1");
  put("k", "2");
  put("k", "3");
  auto [sub, log] = subscriber();
  watch_request req = watch_request::for_key("k");
  req.start_rev = 2;
  req.prev_value = true;
  ASSERT_TRUE(watch(parts_.store, req, sub));
  ASSERT_EQ(log->events.size(), 2u);
  EXPECT_EQ(log->events[0].value, "2");
  EXPECT_EQ(log->events[0].prev_value, "1");
  EXPECT_EQ(log->events[1].prev_value, "2");
}

TEST_F(WatchActorsTest, AStartOlderThanTheHistoryFailsCompactedWithTheOldestRevision) {
  watch_config small;
  small.history_ops = 2;
  auto hub = spawn_watch_hub(*sys_, parts_.coordinator, small, 0);
  sched_->run();
  for (int i = 1; i <= 5; ++i)
    put("k", std::to_string(i));
  auto [sub, log] = subscriber(hub);
  watch_request req = watch_request::for_key("k");
  req.start_rev = 2;
  auto created = watch(hub, req, sub);
  ASSERT_FALSE(created);
  EXPECT_EQ(to_status(created.error()).code(), errc::compacted);
  EXPECT_EQ(compact_revision_of(created.error()), 4u);
  EXPECT_NE(to_status(created.error()).message().find("oldest available revision is 4"),
            std::string::npos);
  req.start_rev = compact_revision_of(created.error());
  ASSERT_TRUE(watch(hub, req, sub));
  EXPECT_EQ(keys(*log), (strings{"k@4", "k@5"}));
  caf::anon_send_exit(hub, caf::exit_reason::user_shutdown);
}

TEST_F(WatchActorsTest, ASubscriberThatDoesNotAckIsPacedAndItsAcksResumeIt) {
  auto [slow, slow_log] = subscriber();
  auto [fast, fast_log] = subscriber();
  fast_log->auto_ack = true;
  watch_request req = watch_request::for_prefix("k");
  req.queue_limit = 3;
  auto created = watch(parts_.hub, req, slow);
  ASSERT_TRUE(created);
  ASSERT_TRUE(watch(parts_.hub, req, fast));
  for (int i = 1; i <= 6; ++i)
    put("k" + std::to_string(i), "v");
  EXPECT_FALSE(slow_log->end);
  EXPECT_EQ(slow_log->events.size(), 3u);  // the rest waits for its acks
  EXPECT_FALSE(fast_log->end);
  EXPECT_EQ(fast_log->events.size(), 6u);
  // An ack from anyone but the subscriber is ignored.
  self_send_ack(fast, created->id, 3);
  EXPECT_EQ(slow_log->events.size(), 3u);
  self_send_ack(slow, created->id, 3);
  EXPECT_EQ(keys(*slow_log), (strings{"k1@1", "k2@2", "k3@3", "k4@4", "k5@5", "k6@6"}));
  EXPECT_FALSE(slow_log->end);
}

TEST_F(WatchActorsTest, UnwatchAndASubscriberGoingDownEndTheirWatches) {
  auto [a, a_log] = subscriber();
  auto [b, b_log] = subscriber();
  auto wa = watch(parts_.store, watch_request::for_key("k"), a);
  ASSERT_TRUE(wa);
  ASSERT_TRUE(watch(parts_.store, watch_request::for_key("k"), b));
  ASSERT_TRUE(watch(parts_.store, watch_request::for_prefix(""), b));
  EXPECT_EQ(hub_stats().watchers, 3u);
  // Only the watch's own subscriber may end it: an anonymous unwatch and
  // one from another subscriber are ignored.
  caf::anon_send(parts_.store, unwatch_atom_v, wa->id);
  caf::send_as(b, parts_.store, unwatch_atom_v, wa->id);
  sched_->run();
  EXPECT_FALSE(a_log->end);
  EXPECT_EQ(hub_stats().watchers, 3u);
  caf::send_as(a, parts_.store, unwatch_atom_v, wa->id);
  sched_->run();
  ASSERT_TRUE(a_log->end);
  EXPECT_EQ(a_log->end->code, errc::ok);
  caf::anon_send_exit(b, caf::exit_reason::user_shutdown);
  sched_->run();
  EXPECT_EQ(hub_stats().watchers, 0u);
  put("k", "1");  // nobody left to send to
  EXPECT_TRUE(a_log->events.empty());
}

TEST_F(WatchActorsTest, AnIdleWatcherGetsProgressNoticesOnTheTestClock) {
  auto [sub, log] = subscriber();
  log->auto_ack = true;
  watch_request req = watch_request::for_key("k");
  req.progress_ms = 100;
  ASSERT_TRUE(watch(parts_.hub, req, sub));
  put("other", "1");
  sched_->advance_time(100ms);
  sched_->run();
  ASSERT_EQ(log->batches, (std::vector<revision>{1}));
  EXPECT_TRUE(log->events.empty());
  put("other", "2");
  sched_->advance_time(100ms);
  sched_->run();
  EXPECT_EQ(log->batches, (std::vector<revision>{1, 2}));
  put("k", "x");  // an event: the next interval is not idle
  sched_->advance_time(100ms);
  sched_->run();
  EXPECT_EQ(log->batches, (std::vector<revision>{1, 2, 3}));
  EXPECT_EQ(log->events.size(), 1u);
}

TEST_F(WatchActorsTest, TheStoresExitEndsEveryWatchWithClosedAfterItsLastChange) {
  auto [sub, log] = subscriber();
  ASSERT_TRUE(watch(parts_.store, watch_request::for_prefix(""), sub));
  caf::anon_send(parts_.coordinator, commit_atom_v,
                 local_commit{txn_request::of(txn_op::put("a", "1")),
                              std::make_shared<reply_token>(std::make_shared<reply_slot>())});
  caf::anon_send(parts_.coordinator, close_atom_v,
                 local_ack{std::make_shared<reply_token>(std::make_shared<reply_slot>())});
  sched_->run();
  caf::anon_send_exit(parts_.store, caf::exit_reason::user_shutdown);
  sched_->run();
  ASSERT_TRUE(log->end);
  EXPECT_EQ(log->end->code, errc::closed);
  EXPECT_EQ(log->end->reached, 1u);
  EXPECT_EQ(log->events.size(), 1u);
}

TEST_F(WatchActorsTest, BadRequestsAreRefusedByTheStore) {
  auto [sub, log] = subscriber();
  auto range = watch(parts_.store, watch_request::for_range("b", "a"), sub);
  ASSERT_FALSE(range);
  EXPECT_EQ(to_status(range.error()).code(), errc::invalid_argument);
  auto empty = watch(parts_.store, watch_request::for_key(""), sub);
  EXPECT_EQ(to_status(empty.error()).code(), errc::invalid_argument);
}

} // namespace
} // namespace moss
