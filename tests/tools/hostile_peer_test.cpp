// mossd against a hostile peer, across two processes on loopback: every
// reply a peer can provoke comes from its own session; internal messages,
// unknown messages and exits sent to what a peer can see (the gateway, its
// session) leave the store serving everyone else; forged watch control is
// ignored; oversized requests get clear errors; and mossd's memory stays
// bounded. Other peers are moss::db clients (each its own CAF node).
#include <fstream>
#include <optional>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/remote_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <gtest/gtest.h>

#include <moss/db.hpp>
#include <moss/messages/errors.hpp>

#include "actors/session.hpp"
#include "actors/spawn_store.hpp"
#include "tests/persistence/temp_dir.hpp"
#include "tests/tools/mossd_process.hpp"

using namespace std::chrono_literals;

namespace moss {
namespace {

// mossd's resident memory in KiB (0 if unknown).
size_t rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stoul(line.substr(6));
  return 0;
}

class HostilePeerTest : public ::testing::Test {
protected:
  HostilePeerTest() {
    cfg_.load<caf::io::middleman>();
    add_moss_types(cfg_);
    sys_.emplace(cfg_);
  }

  void SetUp() override {
    node_ = test::mossd_process::start(dir_.file("store"));
    ASSERT_GT(node_.port, 0) << "mossd did not start";
    auto gw = caf::io::remote_actor<gateway_actor>(*sys_, "127.0.0.1", node_.port);
    ASSERT_TRUE(gw) << sys_->render(gw.error());
    gateway_ = *gw;
    session_ = open();
    ASSERT_TRUE(session_);
  }

  ~HostilePeerTest() override {
    for (auto& a : anchors_)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }

  store_actor open() {
    anchors_.push_back(spawn_anchor(*sys_));
    auto s = open_session(*sys_, gateway_, anchors_.back(), 3s);
    return s ? *s : store_actor{};
  }

  // A well-behaved peer: a moss::db of its own node.
  // A well-behaved peer: a moss::db of its own node (retried while a
  // replaced gateway is being published).
  result<db> honest_peer() {
    connect_options o;
    o.timeout = 3s;
    result<db> d = status{errc::unreachable, "never tried"};
    for (int attempt = 0; attempt < 50; ++attempt) {
      d = db::connect("127.0.0.1", node_.port, o);
      if (d)
        break;
      std::this_thread::sleep_for(100ms);
    }
    return d;
  }

  // A request; the outcome, and who sent the reply.
  template <class T, class Dest, class... Ts>
  std::pair<result<T>, caf::actor_addr> ask(const Dest& dest, Ts... xs) {
    caf::scoped_actor self{*sys_};
    std::optional<result<T>> out;
    caf::actor_addr from;
    self->request(dest, 3s, xs...)
      .receive(
        [&](T& x) {
          out.emplace(std::move(x));
          from = caf::actor_cast<caf::actor_addr>(self->current_sender());
        },
        [&](caf::error& err) { out.emplace(to_status(err)); });
    return {std::move(*out), from};
  }

  // Sends an arbitrary message as a request and waits for whatever answer.
  template <class... Ts>
  status poke(const caf::actor& dest, Ts... xs) {
    caf::scoped_actor self{*sys_};
    status out = status::ok();
    self->request(dest, 3s, xs...).receive([](caf::message&) {}, [&](caf::error& err) { out = to_status(err); });
    return out;
  }

  void expect_store_serves(const char* after) {
    SCOPED_TRACE(after);
    auto d = honest_peer();
    ASSERT_TRUE(d) << "no peer could connect: " << d.error().to_string();
    std::string key = std::string{"after/"} + after;
    ASSERT_TRUE(d->set(key, "v")) << "the store stopped taking writes";
    EXPECT_EQ(d->get(key).value(), "v");
    EXPECT_LT(rss_kib(node_.pid), 400u * 1024) << "mossd's memory grew";
  }

  test::temp_dir dir_;
  test::mossd_process node_;
  caf::actor_system_config cfg_;
  std::optional<caf::actor_system> sys_;
  gateway_actor gateway_;
  store_actor session_;
  std::vector<caf::actor> anchors_;
};

TEST_F(HostilePeerTest, EveryReplyAPeerCanProvokeComesFromItsSession) {
  const auto me = session_.address();
  auto put = ask<txn_result>(session_, txn_atom_v, txn_request::of(txn_op::put("k", "v")));
  ASSERT_TRUE(put.first) << put.first.error().to_string();
  EXPECT_EQ(put.second, me);
  EXPECT_EQ((ask<lookup_result>(session_, get_atom_v, std::string{"k"}).second), me);
  EXPECT_EQ((ask<bool>(session_, exists_atom_v, std::string{"k"}).second), me);
  EXPECT_EQ((ask<scan_result>(session_, scan_atom_v, scan_request::prefix("")).second), me);
  EXPECT_EQ((ask<store_stats>(session_, stats_atom_v).second), me);
  EXPECT_EQ((ask<revision>(session_, compact_atom_v).second), me);
  call_batch b;
  b.calls.push_back({call_kind::txn, {}, txn_request::of(txn_op::put("j", "v"))});
  b.calls.push_back({call_kind::get, "j", {}});
  EXPECT_EQ((ask<call_batch_answer>(session_, call_atom_v, b).second), me);
  auto sub = sys_->spawn([](watch_subscriber::pointer) -> watch_subscriber::behavior_type {
    return {[](watch_batch&) {}, [](watch_end&) {}};
  });
  auto created = ask<watch_created>(session_, watch_atom_v, watch_request::for_key("k"), sub);
  ASSERT_TRUE(created.first);
  EXPECT_EQ(created.second, me);
  // The gateway's own answer (the session handle) comes from the gateway.
  EXPECT_TRUE((ask<store_actor>(gateway_, hello_atom_v, anchors_.front()).first));
  caf::anon_send_exit(sub, caf::exit_reason::user_shutdown);
}

TEST_F(HostilePeerTest, InternalAndUnknownMessagesAreRefusedAndChangeNothing) {
  auto s = caf::actor_cast<caf::actor>(session_);
  auto g = caf::actor_cast<caf::actor>(gateway_);
  // What the internal actors take, sent to what a peer can reach.
  for (const caf::actor& dest : {s, g}) {
    EXPECT_FALSE(poke(dest, rotate_atom_v));
    EXPECT_FALSE(poke(dest, flush_atom_v));
    EXPECT_FALSE(poke(dest, revision_atom_v));
    EXPECT_FALSE(poke(dest, tick_atom_v, uint64_t{1}));
    EXPECT_FALSE(poke(dest, progress_atom_v, uint64_t{1}));
    EXPECT_FALSE(poke(dest, unwatch_atom_v, watch_id{1}, caf::actor_addr{}));
    EXPECT_FALSE(poke(dest, std::string{"hello?"}, 42));
  }
  EXPECT_FALSE(poke(s, hello_atom_v, anchors_.front()));  // a session is no gateway
  // Malformed requests: an error each, to this peer only.
  EXPECT_EQ((ask<lookup_result>(session_, get_atom_v, std::string{}).first.code()), errc::invalid_argument);
  EXPECT_EQ((ask<store_actor>(gateway_, hello_atom_v, caf::actor{}).first.code()), errc::invalid_argument);
  auto sub = sys_->spawn([](watch_subscriber::pointer) -> watch_subscriber::behavior_type {
    return {[](watch_batch&) {}, [](watch_end&) {}};
  });
  watch_request bad = watch_request::for_range("b", "a");
  EXPECT_EQ((ask<watch_created>(session_, watch_atom_v, bad, sub).first.code()), errc::invalid_argument);
  caf::anon_send_exit(sub, caf::exit_reason::user_shutdown);
  // Exits other than kill do nothing to a session or the gateway.
  caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(g, caf::exit_reason::unhandled_exception);
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE((ask<bool>(session_, exists_atom_v, std::string{"k"}).first));
  EXPECT_TRUE((ask<store_actor>(gateway_, hello_atom_v, anchors_.front()).first));
  expect_store_serves("internal messages");
}

TEST_F(HostilePeerTest, KillingTheGatewayOrASessionEndsNoOtherPeersWork) {
  auto peer = honest_peer();
  ASSERT_TRUE(peer) << peer.error().to_string();
  db& other = *peer;
  auto w = other.watch_prefix("w/");
  ASSERT_TRUE(other.set("w/1", "before"));
  auto ev = w.next(3s);
  ASSERT_TRUE(ev);
  // kill cannot be trapped: the gateway ends, mossd publishes a new one.
  caf::anon_send_exit(gateway_, caf::exit_reason::kill);
  // And this peer's own session: only this peer loses it.
  caf::anon_send_exit(session_, caf::exit_reason::kill);
  EXPECT_FALSE((ask<bool>(session_, exists_atom_v, std::string{"k"}).first));
  ASSERT_TRUE(other.set("w/2", "after"));  // the other peer's session never noticed
  ev = w.next(3s);
  ASSERT_TRUE(ev) << "the other peer's watch ended";
  EXPECT_EQ(ev->value, "after");
  expect_store_serves("a killed gateway");  // a new peer reaches the new gateway
  caf::anon_send_exit(gateway_, caf::exit_reason::kill);  // and again
  expect_store_serves("a second killed gateway");
}

TEST_F(HostilePeerTest, ForgedWatchControlIsIgnored) {
  auto peer = honest_peer();
  ASSERT_TRUE(peer) << peer.error().to_string();
  db& other = *peer;
  watch_options small;
  small.queue_limit = 8;
  auto w = other.watch_prefix("f/", small);
  ASSERT_TRUE(other.set("f/0", "0"));
  ASSERT_TRUE(w.next(3s));
  // This peer guesses watch ids and sends unwatch and acks (a huge ack would
  // switch the bound off) for them through its own session.
  for (watch_id id = 0; id < 64; ++id) {
    caf::anon_send(session_, unwatch_atom_v, id);
    caf::anon_send(session_, watch_ack_atom_v, id, uint64_t{1} << 60);
    caf::scoped_actor self{*sys_};
    self->send(session_, unwatch_atom_v, id);
    self->send(session_, watch_ack_atom_v, id, ~uint64_t{0});
  }
  std::this_thread::sleep_for(200ms);
  for (int i = 1; i <= 20; ++i)
    ASSERT_TRUE(other.set("f/" + std::to_string(i), std::to_string(i)));
  for (int i = 1; i <= 20; ++i) {
    auto ev = w.next(3s);
    ASSERT_TRUE(ev) << "the watch ended or stalled at " << i << ": "
                    << w.error().to_string();
    EXPECT_EQ(ev->value, std::to_string(i));
  }
}

TEST_F(HostilePeerTest, OversizedRequestsGetClearErrorsAndScansPage) {
  call_batch big;
  big.calls.resize(peer_limits{}.max_batch_calls + 1, call{call_kind::get, "k", {}});
  auto r = ask<call_batch_answer>(session_, call_atom_v, big).first;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.code(), errc::invalid_argument);
  EXPECT_NE(r.error().message().find("exceeds the limit"), std::string::npos) << r.error().message();
  // A scan answers at most max_scan_results entries per call; the facade pages.
  auto peer = honest_peer();
  ASSERT_TRUE(peer) << peer.error().to_string();
  db& other = *peer;
  const size_t n = peer_limits{}.max_scan_results * 2 + 123;
  for (size_t i = 0; i < n; i += 1000) {
    batch wb;
    for (size_t j = i; j < std::min(n, i + 1000); ++j) {
      char key[16];
      std::snprintf(key, sizeof key, "s/%07zu", j);
      wb.set(key, "v");
    }
    ASSERT_TRUE(other.write(wb));
  }
  auto page = ask<scan_result>(session_, scan_atom_v, scan_request::prefix("s/")).first;
  ASSERT_TRUE(page);
  EXPECT_EQ(page->entries.size(), peer_limits{}.max_scan_results);
  EXPECT_TRUE(page->more);
  auto all = other.scan(scan_request::prefix("s/"));
  ASSERT_TRUE(all) << all.error().to_string();
  ASSERT_EQ(all->entries.size(), n);
  EXPECT_FALSE(all->more);
  for (size_t i = 1; i < n; ++i)
    ASSERT_LT(all->entries[i - 1].key, all->entries[i].key);
  auto some = other.scan(scan_request::range("s/", "s/9", peer_limits{}.max_scan_results + 5));
  ASSERT_TRUE(some);
  EXPECT_EQ(some->entries.size(), peer_limits{}.max_scan_results + 5);
  EXPECT_TRUE(some->more);
  expect_store_serves("oversized requests");
}

TEST_F(HostilePeerTest, ANodeOpeningTooManySessionsIsRefusedWithBusy) {
  size_t opened = 1;  // SetUp's
  status last = status::ok();
  for (size_t i = 0; i < peer_limits{}.max_sessions_per_node + 5; ++i) {
    anchors_.push_back(spawn_anchor(*sys_));
    auto s = open_session(*sys_, gateway_, anchors_.back(), 3s);
    if (!s) {
      last = s.error();
      break;
    }
    ++opened;
  }
  EXPECT_EQ(opened, peer_limits{}.max_sessions_per_node);
  EXPECT_EQ(last.code(), errc::busy) << last.to_string();
  // Ending sessions frees their places.
  for (size_t i = 1; i < 4; ++i)
    caf::anon_send_exit(anchors_[i], caf::exit_reason::user_shutdown);
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(open());
  expect_store_serves("too many sessions");
}

TEST_F(HostilePeerTest, ANodeOpeningTooManyWatchesIsRefusedWithBusy) {
  auto sub = sys_->spawn([](watch_subscriber::pointer) -> watch_subscriber::behavior_type {
    return {[](watch_batch&) {}, [](watch_end&) {}};
  });
  size_t opened = 0;
  status last = status::ok();
  for (size_t i = 0; i < peer_limits{}.max_watches_per_node + 5; ++i) {
    auto w = ask<watch_created>(session_, watch_atom_v, watch_request::for_key("w" + std::to_string(i)), sub);
    if (!w.first) {
      last = w.first.error();
      break;
    }
    ++opened;
  }
  EXPECT_EQ(opened, peer_limits{}.max_watches_per_node);
  EXPECT_EQ(last.code(), errc::busy) << last.to_string();
  // Another node's watches are not affected.
  auto peer = honest_peer();
  ASSERT_TRUE(peer);
  auto w = peer->watch("w0");
  EXPECT_TRUE(w.error()) << w.error().to_string();
  caf::anon_send_exit(sub, caf::exit_reason::user_shutdown);  // its watches go with it
  for (int i = 0; i < 100 && peer->stats().value().watchers > 1; ++i)
    std::this_thread::sleep_for(50ms);
  EXPECT_EQ(peer->stats().value().watchers, 1u);
}

// A peer whose reader stops (a moss shell watching, its stdout never read)
// is paced: mossd's memory stays bounded and other peers' watches are
// untouched. Once it stops answering heartbeats too (SIGSTOP), mossd drops
// it within its connection timeout (10 s), and its watch with it.
TEST_F(HostilePeerTest, APeerThatStopsReadingIsPacedAndASilentOneIsDropped) {
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  pid_t shell = ::fork();
  if (shell == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    std::string where = "127.0.0.1:" + std::to_string(node_.port);
    ::execl(MOSS_PATH, "moss", "--connect", where.c_str(), "-c", "watch prefix p/", nullptr);
    _exit(127);
  }
  ::close(out[1]);  // never read: the shell blocks once the pipe is full
  auto peer = honest_peer();
  ASSERT_TRUE(peer) << peer.error().to_string();
  db& other = *peer;
  auto watchers = [&] { return other.stats().value().watchers; };
  for (int i = 0; i < 100 && watchers() < 1; ++i)
    std::this_thread::sleep_for(50ms);
  ASSERT_EQ(watchers(), 1u) << "the shell's watch did not start";
  auto mine = other.watch_prefix("p/");
  const int n = 30'000;
  const std::string value(1024, 'v');
  for (int i = 0; i < n; i += 500) {
    batch b;
    for (int j = i; j < i + 500; ++j)
      b.set("p/" + std::to_string(j), value);
    ASSERT_TRUE(other.write(b));
  }
  for (int i = 0; i < n; ++i) {
    auto ev = mine.next(5s);
    ASSERT_TRUE(ev) << "the other peer's watch stalled at " << i << ": " << mine.error().to_string();
  }
  EXPECT_EQ(watchers(), 2u) << "the stopped reader was cancelled instead of paced";
  EXPECT_LT(rss_kib(node_.pid), 400u * 1024) << "mossd buffered for the stopped reader";
  ::kill(shell, SIGSTOP);
  const auto start = std::chrono::steady_clock::now();
  while (watchers() > 1 && std::chrono::steady_clock::now() - start < 30s)
    std::this_thread::sleep_for(200ms);
  EXPECT_EQ(watchers(), 1u) << "a silent peer was not dropped";
  EXPECT_LT(std::chrono::steady_clock::now() - start, 20s);
  ::kill(shell, SIGKILL);
  ::waitpid(shell, nullptr, 0);
  ::close(out[0]);
  expect_store_serves("a silent peer");
}

} // namespace
} // namespace moss
