// moss::db::connect against a mossd node in another process, on loopback:
// every facade call over the network, watches across it, a node killed
// mid-stream (errors, no hang), a stopped node (timeouts), a restarted node
// reached again, and TLS.
#include <atomic>
#include <iostream>
#include <map>
#include <random>
#include <optional>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <moss/db.hpp>

#include "client/tls_error_queue.hpp"
#include "tests/persistence/temp_dir.hpp"
#include "tests/util/db_model_run.hpp"
#include "tests/tools/mossd_process.hpp"

using namespace std::chrono_literals;
using namespace std::string_literals;

namespace moss {
namespace {

connect_options quick(std::chrono::milliseconds timeout = 3000ms) {
  connect_options o;
  o.timeout = timeout;
  return o;
}

class RemoteDbTest : public ::testing::Test {
protected:
  void SetUp() override {
    node_ = test::mossd_process::start(dir_.file("store"));
    ASSERT_GT(node_.port, 0) << "mossd did not start";
  }
  db connect(const connect_options& o = quick()) {
    auto d = db::connect("127.0.0.1", node_.port, o);
    EXPECT_TRUE(d) << d.error().to_string();
    return std::move(*d);
  }

  test::temp_dir dir_;
  test::mossd_process node_;
};

TEST_F(RemoteDbTest, EveryFacadeCallWorksOverTheNetwork) {
  db d = connect();
  // Single keys, binary-safe.
  ASSERT_TRUE(d.set("a", "1"));
  ASSERT_TRUE(d.set("b\0x"s, "v\0\xff"s));
  EXPECT_EQ(d.get("a").value(), "1");
  EXPECT_EQ(d.get("b\0x"s).value(), "v\0\xff"s);
  EXPECT_EQ(d.get("missing").value(), std::nullopt);
  EXPECT_TRUE(d.exists("a").value());
  EXPECT_FALSE(d.exists("missing").value());
  auto e = d.entry("a").value();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->meta.version, 1);
  EXPECT_EQ(e->meta.create_rev, e->meta.mod_rev);

  // TTL and persist.
  ASSERT_TRUE(d.set("t", "x", with_ttl(60s)));
  auto left = d.ttl("t").value();
  ASSERT_TRUE(left);
  EXPECT_GT(*left, 50s);
  EXPECT_LE(*left, 60s);
  EXPECT_TRUE(d.persist("t").value());
  EXPECT_EQ(d.ttl("t").value(), std::nullopt);
  EXPECT_EQ(d.get("t").value(), "x");

  // Deletes.
  EXPECT_TRUE(d.del("t").value());
  EXPECT_FALSE(d.del("t").value());

  // Batches and scans.
  batch b;
  b.set("app/1", "one").set("app/2", "two").set("app/3", "three");
  auto rev = d.write(b);
  ASSERT_TRUE(rev);
  auto all = d.scan_prefix("app/").value();
  ASSERT_EQ(all.entries.size(), 3u);
  EXPECT_EQ(all.entries[0].key, "app/1");
  EXPECT_EQ(all.entries[2].meta.mod_rev, *rev);  // one revision for the whole batch
  auto some = d.scan_range("app/2", "app/9", 1).value();
  ASSERT_EQ(some.entries.size(), 1u);
  EXPECT_EQ(some.entries[0].key, "app/2");
  EXPECT_TRUE(some.more);

  // A compare-and-swap: the then branch, then the else branch.
  txn_request cas;
  cas.compares = {compare::value_is("a", "1")};
  cas.success = {txn_op::put("a", "2")};
  cas.failure = {txn_op::get("a")};
  auto r = d.txn(cas).value();
  EXPECT_TRUE(r.succeeded);
  r = d.txn(cas).value();
  EXPECT_FALSE(r.succeeded);
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(r.results[0].entry.value, "2");

  // A closure transaction.
  ASSERT_TRUE(d.tx([](tx& t) -> status {
    auto v = t.get("a");
    if (!v)
      return v.error();
    t.set("a", **v + "+");
    return status::ok();
  }));
  EXPECT_EQ(d.get("a").value(), "2+");

  // Asynchronous writes: futures and a callback.
  std::vector<write_future> fs;
  for (int i = 0; i < 100; ++i)
    fs.push_back(d.set_async("async/" + std::to_string(i), "v"));
  for (auto& f : fs)
    ASSERT_TRUE(f.get());
  EXPECT_TRUE(d.del_async("async/0").get());
  std::atomic<bool> called{false};
  d.txn_async(txn_request::of(txn_op::put("cb", "1")), [&](result<txn_result> r) {
    EXPECT_TRUE(r);
    called = true;
  });
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!called && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(called);
  EXPECT_EQ(d.scan_prefix("async/").value().entries.size(), 99u);

  // The store's numbers and a compaction.
  auto s = d.stats().value();
  EXPECT_GE(s.keys, 100u);
  EXPECT_GT(s.rev, 100u);
  EXPECT_GT(s.fsyncs, 0u);
  ASSERT_TRUE(d.compact());
  EXPECT_GT(d.stats().value().snapshot_rev, 0u);

  // Bad input is refused with the same errors as the embedded store.
  EXPECT_EQ(d.get("").code(), errc::invalid_argument);
  EXPECT_EQ(d.set("k", "v", with_ttl(-1s)).code(), errc::invalid_argument);
  EXPECT_EQ(d.set(std::string(100'000, 'k'), "v").code(), errc::invalid_argument);

  // Closing drops the connection only; the node keeps everything.
  ASSERT_TRUE(d.close());
  EXPECT_EQ(d.get("a").code(), errc::closed);
  EXPECT_EQ(d.set("a", "3").code(), errc::closed);
  db again = connect();
  EXPECT_EQ(again.get("a").value(), "2+");
}

TEST_F(RemoteDbTest, ThreadsSharingAConnectionLoseNoUpdate) {
  // Calls of concurrent threads share round trips (call batches); closure
  // transactions retry on conflict, so every increment lands exactly once.
  db d = connect();
  constexpr int threads = 8, each = 100;
  std::vector<std::thread> ts;
  std::atomic<int> failures{0};
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&] {
      for (int i = 0; i < each; ++i) {
        status st = d.tx(
          [](tx& x) -> status {
            auto v = x.get("counter");
            if (!v)
              return v.error();
            x.set("counter", std::to_string((*v ? std::stoi(**v) : 0) + 1));
            return status::ok();
          },
          tx_options{1000});  // 8 threads on one key: losing 64 rounds in a row can happen
        if (!st) {
          ++failures;
          ADD_FAILURE() << st.to_string();
        }
      }
    });
  }
  for (auto& t : ts)
    t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(d.get("counter").value(), std::to_string(threads * each));
}

TEST_F(RemoteDbTest, AWatchSeesChangesMadeByAnotherClient) {
  db watcher = connect();
  db writer = connect();
  watch_options wo;
  wo.prev_value = true;
  auto w = watcher.watch_prefix("cfg/", wo);
  ASSERT_FALSE(w.done()) << w.error().to_string();
  ASSERT_TRUE(writer.set("cfg/a", "1"));
  ASSERT_TRUE(writer.set("cfg/a", "2"));
  ASSERT_TRUE(writer.set("other", "x"));
  ASSERT_TRUE(writer.del("cfg/a"));
  std::vector<watch_event> got;
  while (got.size() < 3) {
    auto ev = w.next(5s);
    ASSERT_TRUE(ev) << "events stopped after " << got.size();
    got.push_back(std::move(*ev));
  }
  EXPECT_EQ(got[0].kind, event_kind::create);
  EXPECT_EQ(got[1].kind, event_kind::update);
  EXPECT_EQ(got[1].prev_value, "1");
  EXPECT_EQ(got[2].kind, event_kind::del);
  EXPECT_EQ(got[2].prev_value, "2");
  EXPECT_LT(got[0].rev, got[1].rev);
  EXPECT_EQ(watcher.stats().value().watchers, 1u);

  // Resumable: a new watch from the first event's revision replays them.
  wo.start_rev = got[0].rev;
  auto again = watcher.watch_prefix("cfg/", wo);
  for (const auto& want : got) {
    auto ev = again.next(5s);
    ASSERT_TRUE(ev);
    EXPECT_EQ(ev->rev, want.rev);
    EXPECT_EQ(ev->kind, want.kind);
  }

  // A callback watch, cancelled by its handle.
  std::atomic<int> seen{0};
  {
    auto h = watcher.watch(watch_request::for_key("k"), [&](const watch_event&) { ++seen; });
    ASSERT_TRUE(writer.set("k", "1"));
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (seen == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(seen, 1);

  // Closing the watching db ends its streams with errc::closed.
  ASSERT_TRUE(watcher.close());
  EXPECT_FALSE(w.next(5s));
  EXPECT_EQ(w.error().code(), errc::closed);
}

// A caller alone on the connection sends each sync call as a batch of one
// (client/call_pipe.hpp); while an async write of it is out, its calls queue
// behind it; either way it reads what it wrote once it was answered.
TEST_F(RemoteDbTest, ACallerAloneReadsItsWrites) {
  db d = connect();
  for (int i = 0; i < 300; ++i) {
    const std::string key = "k" + std::to_string(i % 7);
    ASSERT_TRUE(d.set(key, "sync" + std::to_string(i)));  // a batch of one
    EXPECT_EQ(d.get(key).value(), "sync" + std::to_string(i));
    auto f = d.set_async(key, "async" + std::to_string(i));
    EXPECT_TRUE(d.exists(key).value());  // batched: the async write is out
    ASSERT_TRUE(f.get());
    EXPECT_EQ(d.get(key).value(), "async" + std::to_string(i));
  }
}

// Threads mixing sync calls (alone in a batch or sharing one) and async
// writes each end exactly at their model; a delete after an async write
// still sees it (commits keep each caller's order either way).
TEST_F(RemoteDbTest, DirectBatchedAndAsyncCallsFromManyThreadsKeepEveryThreadsModel) {
  db d = connect();
  const uint64_t seed = std::random_device{}();
  std::cout << "[ seed ] " << seed << "\n";
  test::run_mixed_writers(d, "m", 4, 400, 16, seed);
}

// More async writes than one call batch holds (and than the batches the
// pipe keeps out): they leave in order, so their revisions ascend and the
// last one wins.
TEST_F(RemoteDbTest, AnAsyncBurstOfManyBatchesKeepsItsOrder) {
  db d = connect();
  std::vector<write_future> fs;
  for (int i = 0; i < 5000; ++i)
    fs.push_back(d.set_async("burst", std::to_string(i)));
  revision last = 0;
  for (auto& f : fs) {
    auto r = f.get();
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_GT(r->rev, last);
    last = r->rev;
  }
  EXPECT_EQ(d.get("burst").value(), "4999");
}

// A silent node: calls that queue behind the batches already out still fail
// at their own deadline, not after the batches ahead of them time out; once
// the node speaks again, its late answers are dropped and new calls work.
TEST_F(RemoteDbTest, CallsQueuedBehindASilentNodeTimeOutAtTheirOwnDeadline) {
  db d = connect(quick(400ms));
  ASSERT_TRUE(d.set("kept", "yes"));
  ASSERT_TRUE(node_.pause());
  std::vector<std::thread> threads;
  std::atomic<int> timed_out{0}, too_late{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i) {
        auto start = std::chrono::steady_clock::now();
        auto r = d.get("kept");
        auto took = std::chrono::steady_clock::now() - start;
        if (r.code() == errc::timeout)
          ++timed_out;
        if (took > 700ms)  // the timeout, a sweep (timeout / 8) and slack
          ++too_late;
      }
    });
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(timed_out, 24);
  EXPECT_EQ(too_late, 0);
  ::kill(node_.pid, SIGCONT);
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(d.get("kept").value(), "yes");
}

// close() while 8 threads pour sync and async calls into the pipe: every
// call is answered (ok, or errc::closed once the db is closed), none hangs,
// and every write acknowledged before is on the node.
TEST_F(RemoteDbTest, CloseWhileThreadsPourCallsAnswersEveryOne) {
  db d = connect();
  std::atomic<bool> stop{false};
  std::atomic<int> odd{0};
  std::vector<std::vector<std::string>> acked(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        const std::string key = "c" + std::to_string(t) + "/" + std::to_string(i);
        status st = i % 3 == 0 ? d.set_async(key, "v").get().error() : d.set(key, "v");
        if (st.is_ok())
          acked[t].push_back(key);
        else if (st.code() != errc::closed)
          ++odd;
        auto r = d.get(key);
        if (!r && r.code() != errc::closed)
          ++odd;
        if (!st.is_ok())
          break;
      }
    });
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(d.close());
  stop = true;
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(odd, 0);
  db check = connect();
  size_t n = 0;
  for (auto& keys : acked)
    for (auto& k : keys) {
      ASSERT_EQ(check.get(k).value(), "v") << k;
      ++n;
    }
  EXPECT_GT(n, 0u);
}

TEST_F(RemoteDbTest, ANodeKilledMidStreamFailsEveryCallWithoutAHang) {
  db d = connect(quick(2000ms));
  auto w = d.watch_prefix("");
  ASSERT_TRUE(d.set("before", "1"));
  ASSERT_TRUE(w.next(5s));
  // Calls in flight when the node dies: it is stopped first, so none of them
  // can be answered, then killed.
  ASSERT_TRUE(node_.pause());
  std::vector<write_future> fs;
  for (int i = 0; i < 1000; ++i)
    fs.push_back(d.set_async("k" + std::to_string(i), "v"));
  std::optional<status> blocked_get;
  std::thread reader([&] {
    auto r = d.get("before");
    blocked_get = r ? status::ok() : r.error();
  });
  std::this_thread::sleep_for(100ms);
  auto start = std::chrono::steady_clock::now();
  node_.stop(SIGKILL);
  for (auto& f : fs)
    EXPECT_EQ(f.get().code(), errc::unreachable);
  reader.join();
  EXPECT_EQ(blocked_get->code(), errc::unreachable) << blocked_get->to_string();
  // The stream ends with the reason, after the events that did arrive.
  while (w.next(5s)) {
  }
  EXPECT_TRUE(w.done());
  EXPECT_EQ(w.error().code(), errc::unreachable) << w.error().to_string();
  // Later calls fail at once.
  EXPECT_EQ(d.get("before").code(), errc::unreachable);
  EXPECT_EQ(d.set("after", "1").code(), errc::unreachable);
  EXPECT_EQ(d.stats().code(), errc::unreachable);
  auto late = d.watch_prefix("");
  EXPECT_TRUE(late.done());
  EXPECT_EQ(late.error().code(), errc::unreachable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST_F(RemoteDbTest, AStoppedNodeTimesCallsOutAndARestartedNodeIsReachedAgain) {
  db d = connect(quick(500ms));
  ASSERT_TRUE(d.set("kept", "yes"));
  ASSERT_TRUE(node_.pause());  // alive but silent
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(d.get("kept").code(), errc::timeout);
  EXPECT_EQ(d.set("x", "1").code(), errc::timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  ::kill(node_.pid, SIGCONT);
  EXPECT_EQ(d.get("kept").value(), "yes");  // the connection survived

  // Killed and restarted on the same port and directory: reached again,
  // with everything it acknowledged (fsync always).
  uint16_t port = node_.port;
  node_.stop(SIGKILL);
  EXPECT_EQ(d.get("kept").code(), errc::unreachable);
  node_ = test::mossd_process::start(dir_.file("store"), port);
  ASSERT_EQ(node_.port, port);
  auto back = db::connect("127.0.0.1", port, quick());
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->get("kept").value(), "yes");
}

TEST(RemoteDbConnectTest, NothingListeningIsUnreachableAtOnce) {
  test::temp_dir dir;
  // A port that was free a moment ago.
  auto n = test::mossd_process::start(dir.file("store"));
  ASSERT_GT(n.port, 0);
  uint16_t port = n.port;
  n.stop(SIGKILL);
  auto start = std::chrono::steady_clock::now();
  auto d = db::connect("127.0.0.1", port, quick());
  ASSERT_FALSE(d);
  EXPECT_EQ(d.code(), errc::unreachable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(db::connect("127.0.0.1", port, quick(0ms)).code(), errc::invalid_argument);
}

// A host that takes the connection and never speaks (a black hole for the
// handshake): db::connect gives up after connect_timeout.
TEST(RemoteDbConnectTest, AServerThatNeverAnswersTimesOutWithinTheConnectTimeout) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 16), 0);  // the kernel completes handshakes; nobody reads
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  connect_options o = quick();
  o.connect_timeout = 500ms;
  auto start = std::chrono::steady_clock::now();
  auto d = db::connect("127.0.0.1", ntohs(addr.sin_port), o);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(d);
  EXPECT_EQ(d.code(), errc::timeout) << d.error().to_string();
  EXPECT_LT(took, 3s);
  o.connect_timeout = 0ms;
  EXPECT_EQ(db::connect("127.0.0.1", ntohs(addr.sin_port), o).code(), errc::invalid_argument);
  ::close(fd);
}

TEST(RemoteDbTlsTest, TlsClientsAreServedAndPlainOnesRefused) {
  test::temp_dir dir;
  auto certs = test::make_test_tls(dir.path(), quick());
  ASSERT_TRUE(certs);
  auto n = test::mossd_process::start(dir.file("store"), 0, certs->node_flags);
  ASSERT_GT(n.port, 0);
  connect_options tls = certs->client;
  {
    auto d = db::connect("127.0.0.1", n.port, tls);
    ASSERT_TRUE(d) << d.error().to_string();
    ASSERT_TRUE(d->set("secret", "1"));
    EXPECT_EQ(d->get("secret").value(), "1");
    auto w = d->watch("secret");
    ASSERT_TRUE(d->set("secret", "2"));
    auto ev = w.next(5s);
    ASSERT_TRUE(ev);
    EXPECT_EQ(ev->value, "2");
  }
  auto plain = db::connect("127.0.0.1", n.port, quick());
  EXPECT_FALSE(plain);
  EXPECT_EQ(plain.code(), errc::unreachable);
  tls.tls_ca.clear();
  EXPECT_EQ(db::connect("127.0.0.1", n.port, tls).code(), errc::invalid_argument);
  n.stop(SIGTERM);
}

TEST(RemoteDbTlsTest, APeerThatFailsTheHandshakeLeavesOtherTlsClientsConnected) {
  test::temp_dir dir;
  auto certs = test::make_test_tls(dir.path(), quick());
  ASSERT_TRUE(certs);
  auto n = test::mossd_process::start(dir.file("store"), 0, certs->node_flags);
  ASSERT_GT(n.port, 0);
  connect_options tls = certs->client;
  auto d = db::connect("127.0.0.1", n.port, tls);
  ASSERT_TRUE(d) << d.error().to_string();
  ASSERT_TRUE(d->set("k", "1"));
  EXPECT_TRUE(tls_error_queue_guarded()) << "libcaf_openssl's calls did not bind to the workaround";
  // Raw bytes that are no TLS record, then a plain CAF peer.
  for (int i = 0; i < 3; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(n.port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    const char junk[] = "GET / HTTP/1.0\r\n\r\n";
    (void) ::write(fd, junk, sizeof junk - 1);
    std::this_thread::sleep_for(100ms);
    ::close(fd);
    auto s = d->set("k", std::to_string(i));
    ASSERT_TRUE(s) << "after raw peer " << i << ": " << s.to_string();
  }
  for (int i = 0; i < 3; ++i) {
    auto plain = db::connect("127.0.0.1", n.port, quick());
    EXPECT_FALSE(plain);
    auto s = d->set("k", std::to_string(i));
    ASSERT_TRUE(s) << "after refused plain peer " << i << ": " << s.to_string();
  }
  EXPECT_EQ(d->get("k").value(), "2");
}

} // namespace
} // namespace moss
