// The gateway and peer sessions on CAF's deterministic test coordinator: a
// session's calls in flight are bounded (call batches until their
// transactions are visible, or dropped by a closed intake), sessions per node are counted and
// freed when their anchor ends, and killing a session or the gateway leaves
// the store (and every other session) serving.
#include <optional>

#include <caf/event_based_actor.hpp>
#include <gtest/gtest.h>

#include <moss/messages/errors.hpp>

#include "actors/session.hpp"
#include "tests/actors/store_fixture.hpp"

namespace moss {
namespace {

class SessionActorsTest : public test::store_fixture {
protected:
  SessionActorsTest() {
    options opts;
    opts.shards = 2;
    opts.peer.max_in_flight = 2;
    opts.peer.max_sessions_per_node = 2;
    opts.peer.max_request_bytes = 100;
    start(opts);
    gateway_ = spawn_gateway(*sys_, parts_.front, parts_.store);
  }

  ~SessionActorsTest() override {
    for (auto& a : anchors_)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(gateway_, caf::exit_reason::user_shutdown);
    stop();
  }

  // A hello from an actor of this node, run to its answer.
  result<store_actor> hello() {
    anchors_.push_back(sys_->spawn([](caf::event_based_actor*) -> caf::behavior { return {[](int) {}}; }));
    std::optional<result<store_actor>> out;
    sys_->spawn([&, gw = gateway_, anchor = anchors_.back()](caf::event_based_actor* self) {
      self->request(gw, caf::infinite, hello_atom_v, anchor)
        .then([&](store_actor& s) { out.emplace(std::move(s)); },
              [&](caf::error& err) { out.emplace(to_status(err)); });
    });
    sched_->run();
    return out ? std::move(*out) : result<store_actor>{status{errc::timeout, "no answer"}};
  }

  // Sends `n` puts to `dest` at once, then runs: the outcome of each.
  template <class Dest>
  std::vector<status> puts(const Dest& dest, int n) {
    auto out = std::make_shared<std::vector<std::optional<status>>>(n);
    sys_->spawn([out, dest, n](caf::event_based_actor* self) {
      for (int i = 0; i < n; ++i)
        self->request(dest, caf::infinite, txn_atom_v, txn_request::of(txn_op::put("k" + std::to_string(i), "v")))
          .then([out, i](const txn_result&) { (*out)[i] = status::ok(); },
                [out, i](caf::error& err) { (*out)[i] = to_status(err); });
    });
    sched_->run();
    std::vector<status> flat;
    for (auto& s : *out)
      flat.push_back(s.value_or(status{errc::timeout, "no answer"}));
    return flat;
  }

  // Sends `n` call batches to `dest` at once, each two puts of its own keys
  // and a get of the first, then runs: the answer to each.
  template <class Dest>
  std::vector<result<call_batch_answer>> batches(const Dest& dest, int n) {
    auto out = std::make_shared<std::vector<std::optional<result<call_batch_answer>>>>(n);
    sys_->spawn([out, dest, n](caf::event_based_actor* self) {
      for (int i = 0; i < n; ++i) {
        call_batch b;
        const std::string k = "b" + std::to_string(i);
        b.calls.push_back({call_kind::txn, {}, txn_request::of(txn_op::put(k, "1"))});
        b.calls.push_back({call_kind::txn, {}, txn_request::of(txn_op::put(k + "x", "2"))});
        b.calls.push_back({call_kind::get, k, {}});
        self->request(dest, caf::infinite, call_atom_v, b)
          .then([out, i](call_batch_answer& a) { (*out)[i].emplace(std::move(a)); },
                [out, i](caf::error& err) { (*out)[i].emplace(to_status(err)); });
      }
    });
    sched_->run();
    std::vector<result<call_batch_answer>> flat;
    for (auto& a : *out)
      flat.push_back(a ? std::move(*a) : result<call_batch_answer>{status{errc::timeout, "no answer"}});
    return flat;
  }

  revision stats_rev() {
    std::optional<revision> rev;
    sys_->spawn([&, dest = parts_.store](caf::event_based_actor* self) {
      self->request(dest, caf::infinite, stats_atom_v).then([&](const store_stats& st) { rev = st.rev; });
    });
    sched_->run();
    return rev.value_or(0);
  }

  gateway_actor gateway_;
  std::vector<caf::actor> anchors_;
};

TEST_F(SessionActorsTest, ASessionsCallsInFlightAreBoundedAndTheRestGetBusy) {
  auto s = hello();
  ASSERT_TRUE(s) << s.error().to_string();
  auto out = puts(*s, 3);
  EXPECT_TRUE(out[0]);
  EXPECT_TRUE(out[1]);
  EXPECT_EQ(out[2].code(), errc::busy) << out[2].to_string();
  EXPECT_NE(out[2].message().find("in flight"), std::string::npos);
  // Answered calls free their places; the store itself is not bounded.
  EXPECT_TRUE(puts(*s, 2)[1]);
  for (const status& st : puts(parts_.store, 3))
    EXPECT_TRUE(st) << st.to_string();
}

// A call batch's transactions are answered off the session's thread (by
// whoever makes them visible): the batch still counts as one call in flight
// until then, frees its place after, and its read sees its writes.
TEST_F(SessionActorsTest, CallBatchesCountInFlightUntilTheirTransactionsAreVisible) {
  auto s = hello();
  ASSERT_TRUE(s) << s.error().to_string();
  for (int round = 0; round < 3; ++round) {
    auto out = batches(*s, 3);
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(out[i]) << out[i].error().to_string();
      ASSERT_EQ(out[i]->answers.size(), 3u);
      EXPECT_EQ(out[i]->answers[0].code, errc::ok);
      EXPECT_EQ(out[i]->answers[1].code, errc::ok);
      EXPECT_LT(out[i]->answers[0].txn.rev, out[i]->answers[1].txn.rev);
      ASSERT_TRUE(out[i]->answers[2].lookup.found);
      EXPECT_EQ(out[i]->answers[2].lookup.entry.value, "1");
    }
    EXPECT_EQ(out[2].code(), errc::busy) << "round " << round;
  }
}

// The coordinator's intake closed (as its end closes it, in the moment
// before the session hears of that end): a batch's transactions are each
// answered errc::closed (no caller waits), its reads still answered.
TEST_F(SessionActorsTest, ACallBatchToAClosedIntakeIsAnsweredClosed) {
  auto s = hello();
  ASSERT_TRUE(s);
  parts_.intake->close();
  auto out = batches(*s, 1);
  ASSERT_TRUE(out[0]) << out[0].error().to_string();
  ASSERT_EQ(out[0]->answers.size(), 3u);
  EXPECT_EQ(out[0]->answers[0].code, errc::closed);
  EXPECT_EQ(out[0]->answers[1].code, errc::closed);
  EXPECT_EQ(out[0]->answers[2].code, errc::ok);
  EXPECT_FALSE(out[0]->answers[2].lookup.found);
  // And its place in flight was freed: two more are admitted (and closed).
  auto again = batches(*s, 2);
  EXPECT_TRUE(again[0] && again[1]);
}

TEST_F(SessionActorsTest, SessionsPerNodeAreCountedAndFreedWithTheirAnchor) {
  auto a = hello();
  auto b = hello();
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  auto c = hello();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.code(), errc::busy);
  caf::anon_send_exit(anchors_[0], caf::exit_reason::user_shutdown);  // a's peer goes away
  sched_->run();
  auto after = puts(*a, 1);
  EXPECT_FALSE(after[0]) << "a session outlived its anchor";
  auto d = hello();
  EXPECT_TRUE(d) << d.error().to_string();
}

TEST_F(SessionActorsTest, KillingASessionOrTheGatewayLeavesTheStoreAndOtherSessions) {
  auto a = hello();
  auto b = hello();
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  caf::anon_send_exit(*a, caf::exit_reason::kill);
  caf::anon_send_exit(gateway_, caf::exit_reason::kill);
  sched_->run();
  EXPECT_FALSE(puts(*a, 1)[0]);
  EXPECT_TRUE(puts(*b, 1)[0]);
  EXPECT_TRUE(puts(parts_.store, 1)[0]);
  gateway_ = spawn_gateway(*sys_, parts_.front, parts_.store);  // what mossd does
  sched_->run();
  EXPECT_TRUE(hello());
}

TEST_F(SessionActorsTest, ARequestOverTheByteBoundIsRefusedWhole) {
  auto s = hello();
  ASSERT_TRUE(s);
  std::optional<status> txn, batch;
  sys_->spawn([&, dest = *s](caf::event_based_actor* self) {
    self->request(dest, caf::infinite, txn_atom_v, txn_request::of(txn_op::put("k", std::string(200, 'v'))))
      .then([&](const txn_result&) { txn = status::ok(); }, [&](caf::error& err) { txn = to_status(err); });
    call_batch b;
    for (int i = 0; i < 3; ++i)
      b.calls.push_back({call_kind::txn, {}, txn_request::of(txn_op::put("k", std::string(40, 'v')))});
    self->request(dest, caf::infinite, call_atom_v, b)
      .then([&](const call_batch_answer&) { batch = status::ok(); }, [&](caf::error& err) { batch = to_status(err); });
  });
  sched_->run();
  ASSERT_TRUE(txn && batch);
  EXPECT_EQ(txn->code(), errc::invalid_argument);
  EXPECT_NE(txn->message().find("exceeds the limit of 100"), std::string::npos) << txn->to_string();
  EXPECT_EQ(batch->code(), errc::invalid_argument);
  EXPECT_EQ(puts(parts_.store, 1)[0].code(), errc::ok);
  EXPECT_EQ(stats_rev(), 1u) << "part of a refused request was applied";
}

} // namespace
} // namespace moss
