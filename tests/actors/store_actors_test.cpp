// The store's actors on CAF's deterministic test coordinator: group commit,
// gap-free revisions, change listeners, the store's routing and validation,
// and shutdown that answers every caller.
#include <optional>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <gtest/gtest.h>

#include <moss/messages/errors.hpp>

#include "actors/spawn_store.hpp"
#include "tests/actors/store_fixture.hpp"

namespace moss {
namespace {

class StoreActorsTest : public test::store_fixture {
protected:
  StoreActorsTest() {
    options opts;
    opts.shards = 3;
    opts.limit.max_value_size = 16;
    start(opts);
  }

  // Asks the store actor, as a CAF client would, and runs until answered.
  template <class T, class... Ts>
  result<T> ask(Ts... xs) {
    std::optional<result<T>> out;
    sys_->spawn([&](caf::event_based_actor* self) {
      self->request(parts_.store, caf::infinite, xs...)
        .then([&](T& x) { out.emplace(std::move(x)); },
              [&](caf::error& err) { out.emplace(to_status(err)); });
    });
    sched_->run();
    if (!out)
      return status{errc::timeout, "no answer"};
    return std::move(*out);
  }
};

TEST_F(StoreActorsTest, CommitsQueuedWhileAGroupIsAppliedGoTogether) {
  sched_->run();  // the store's start
  auto c1 = commit(txn_request::of(txn_op::put("a", "1")));
  sched_->run_once();  // the coordinator takes c1: its group is in flight
  auto c2 = commit(txn_request::of(txn_op::put("b", "2")));
  auto c3 = commit(txn_request::of(txn_op::put("c", "3")));
  sched_->run();
  ASSERT_TRUE(c1->ready() && c2->ready() && c3->ready());
  EXPECT_EQ(c1->wait()->rev, 1u);
  EXPECT_EQ(c2->wait()->rev, 2u);
  EXPECT_EQ(c3->wait()->rev, 3u);
  auto stats = ask<store_stats>(stats_atom_v);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->commits, 3u);
  EXPECT_EQ(stats->groups, 2u);  // c1 alone, then c2 and c3 as one group
  EXPECT_EQ(stats->keys, 3u);
  EXPECT_EQ(stats->rev, 3u);
}

TEST_F(StoreActorsTest, ListenersGetEveryCommitOnceInRevisionOrder) {
  std::vector<revision> seen;
  std::vector<std::string> keys;
  std::vector<std::string> prevs;
  auto listener = sys_->spawn([&](change_listener::pointer) -> change_listener::behavior_type {
    return {[&](change_atom, const group_ptr& g) {
      for (const auto& c : g->commits) {
        seen.push_back(c.rev);
        for (uint32_t i = c.first; i < c.first + c.count; ++i) {
          keys.push_back(g->ops[i].key);
          prevs.push_back(g->ops[i].prev_value.value_or("-"));
        }
      }
    }};
  });
  caf::anon_send(parts_.coordinator, subscribe_atom_v, subscription{listener, true, false});
  sched_->run();
  commit(txn_request::of(txn_op::put("a", "1")));
  sched_->run();
  txn_request multi;
  multi.success = {txn_op::put("x", "1"), txn_op::put("y", "2"), txn_op::del("a")};
  commit(multi);
  commit(txn_request::of(txn_op::del("missing")));  // changes nothing: no revision
  commit(txn_request::of(txn_op::put("z", "3")));
  sched_->run();
  EXPECT_EQ(seen, (std::vector<revision>{1, 2, 3}));
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "x", "y", "a", "z"}));
  EXPECT_EQ(prevs, (std::vector<std::string>{"-", "-", "-", "1", "-"}));
  caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
}

TEST_F(StoreActorsTest, StoreServesReadsScansAndTransactions) {
  ASSERT_TRUE(ask<txn_result>(txn_atom_v, txn_request::of(txn_op::put("app/a", "1"))));
  ASSERT_TRUE(ask<txn_result>(txn_atom_v, txn_request::of(txn_op::put("app/b", "2"))));
  auto got = ask<lookup_result>(get_atom_v, std::string{"app/a"});
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->found);
  EXPECT_EQ(got->entry.value, "1");
  EXPECT_EQ(got->entry.meta.mod_rev, 1u);
  EXPECT_FALSE(ask<lookup_result>(get_atom_v, std::string{"nope"})->found);
  EXPECT_TRUE(*ask<bool>(exists_atom_v, std::string{"app/b"}));
  auto scan = ask<scan_result>(scan_atom_v, scan_request::prefix("app/"));
  ASSERT_TRUE(scan);
  ASSERT_EQ(scan->entries.size(), 2u);
  EXPECT_EQ(scan->entries[1].key, "app/b");
  txn_request cas;
  cas.compares.push_back(compare::value_is("app/a", "stale"));
  cas.success.push_back(txn_op::put("app/a", "new"));
  cas.failure.push_back(txn_op::get("app/a"));
  auto r = ask<txn_result>(txn_atom_v, cas);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->succeeded);
  EXPECT_EQ(r->rev, 2u);
  EXPECT_EQ(r->results.at(0).entry.value, "1");
}

TEST_F(StoreActorsTest, StoreRejectsBadInputWithClearErrors) {
  auto empty = ask<lookup_result>(get_atom_v, std::string{});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.code(), errc::invalid_argument);
  auto big = ask<txn_result>(txn_atom_v, txn_request::of(txn_op::put("k", std::string(17, 'x'))));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.code(), errc::invalid_argument);
  EXPECT_NE(big.error().message().find("exceeds the limit of 16"), std::string::npos);
  auto range = ask<scan_result>(scan_atom_v, scan_request::range("b", "a"));
  EXPECT_EQ(range.code(), errc::invalid_argument);
  EXPECT_EQ(ask<store_stats>(stats_atom_v)->rev, 0u);  // nothing was committed
}

TEST_F(StoreActorsTest, CloseFinishesAcceptedCommitsAndRefusesLaterOnes) {
  auto before = commit(txn_request::of(txn_op::put("a", "1")));
  auto closed = std::make_shared<reply_slot>();
  caf::anon_send(parts_.coordinator, close_atom_v,
                 local_ack{std::make_shared<reply_token>(closed)});
  sched_->run();
  // The facade hands nothing over once it has sent close (see commit_intake).
  auto after = commit(txn_request::of(txn_op::put("b", "2")));
  sched_->run();
  ASSERT_TRUE(before->ready() && closed->ready() && after->ready());
  EXPECT_TRUE(before->wait().is_ok());
  EXPECT_TRUE(closed->wait().is_ok());
  EXPECT_EQ(after->wait().code(), errc::closed);
}

TEST_F(StoreActorsTest, CommitSentToAStoppedStoreIsAnsweredClosed) {
  caf::anon_send_exit(parts_.store, caf::exit_reason::user_shutdown);
  sched_->run();
  auto late = commit(txn_request::of(txn_op::put("a", "1")));
  sched_->run();
  ASSERT_TRUE(late->ready());
  EXPECT_EQ(late->wait().code(), errc::closed);
}

TEST_F(StoreActorsTest, EveryReplyAPeerCanProvokeComesFromTheStoreItself) {
  // A peer learns the sender of each reply (CAF makes it addressable across
  // nodes), so it must never be an internal actor.
  std::vector<std::string> wrong;
  size_t answered = 0;
  auto store_addr = caf::actor_cast<caf::actor_addr>(parts_.store);
  auto check = [&](const char* what, caf::event_based_actor* self) {
    ++answered;
    if (caf::actor_cast<caf::actor_addr>(self->current_sender()) != store_addr)
      wrong.emplace_back(what);
  };
  std::vector<caf::strong_actor_ptr> batch_senders;
  auto subscriber = sys_->spawn([&](watch_subscriber::pointer self) -> watch_subscriber::behavior_type {
    return {[&, self](watch_batch&) { batch_senders.push_back(self->current_sender()); },
            [&, self](watch_end&) { batch_senders.push_back(self->current_sender()); }};
  });
  sys_->spawn([&](caf::event_based_actor* self) {
    auto any_error = [](caf::error&) {};
    self->request(parts_.store, caf::infinite, get_atom_v, std::string{"k"})
      .then([&, self](lookup_result&) { check("get", self); }, any_error);
    self->request(parts_.store, caf::infinite, get_atom_v, std::string{})
      .then([](lookup_result&) {}, [&, self](caf::error&) { check("get error", self); });
    self->request(parts_.store, caf::infinite, exists_atom_v, std::string{"k"})
      .then([&, self](bool) { check("exists", self); }, any_error);
    self->request(parts_.store, caf::infinite, scan_atom_v, scan_request::prefix(""))
      .then([&, self](scan_result&) { check("scan", self); }, any_error);
    self->request(parts_.store, caf::infinite, txn_atom_v, txn_request::of(txn_op::put("k", "v")))
      .then([&, self](txn_result&) { check("txn", self); }, any_error);
    self->request(parts_.store, caf::infinite, txn_atom_v, txn_request::of(txn_op::put("", "v")))
      .then([](txn_result&) {}, [&, self](caf::error&) { check("txn error", self); });
    self->request(parts_.store, caf::infinite, stats_atom_v)
      .then([&, self](store_stats&) { check("stats", self); }, any_error);
    self->request(parts_.store, caf::infinite, compact_atom_v)
      .then([](revision) {}, [&, self](caf::error&) { check("compact (in memory: an error)", self); });
    call_batch calls;
    calls.calls.push_back(call{call_kind::get, "k", {}});
    calls.calls.push_back(call{call_kind::txn, {}, txn_request::of(txn_op::put("c", "1"))});
    self->request(parts_.store, caf::infinite, call_atom_v, calls)
      .then([&, self](call_batch_answer&) { check("call batch", self); }, any_error);
    watch_request wr = watch_request::for_prefix("");
    wr.start_rev = 1;
    self->request(parts_.store, caf::infinite, watch_atom_v, wr, subscriber)
      .then([&, self](watch_created&) { check("watch", self); }, any_error);
  });
  sched_->run();
  commit(txn_request::of(txn_op::put("k", "2")));
  sched_->run();
  EXPECT_EQ(answered, 10u);
  EXPECT_TRUE(wrong.empty()) << "replies from an internal actor: " << ::testing::PrintToString(wrong);
  ASSERT_FALSE(batch_senders.empty());
  for (const auto& s : batch_senders)
    EXPECT_FALSE(s) << "a watch batch named its sender";
  caf::anon_send_exit(subscriber, caf::exit_reason::user_shutdown);
}

} // namespace
} // namespace moss
