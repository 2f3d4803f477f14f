// Read replicas in other processes, on loopback: `mossd --replica-of`
// against a primary mossd. Catching up from empty, resuming after a restart
// without a full sync, a full sync when the primary's history no longer
// holds the replica's place, writes during a transfer, two replicas, the
// primary killed and restarted, a replica killed mid-stream, refusals,
// watches at the primary's revisions, and min_rev reads. Every test ends
// with the replica's full scan equal to the primary's at the same revision.
#include <atomic>
#include <iostream>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include <moss/db.hpp>

#include "tests/persistence/temp_dir.hpp"
#include "tests/tools/mossd_process.hpp"

using namespace std::chrono_literals;
using namespace std::string_literals;

namespace moss {
namespace {

uint32_t test_seed() {
  const char* env = std::getenv("MOSS_TEST_SEED");
  auto seed = env != nullptr ? static_cast<uint32_t>(std::strtoul(env, nullptr, 10)) : std::random_device{}();
  std::cout << "seed " << seed << " (rerun with MOSS_TEST_SEED=" << seed << ")\n";
  return seed;
}

connect_options quick() {
  connect_options o;
  o.timeout = 5000ms;
  return o;
}

db connect_to(uint16_t port, const connect_options& o = quick()) {
  auto d = db::connect("127.0.0.1", port, o);
  EXPECT_TRUE(d) << d.error().to_string();
  return std::move(*d);
}

store_stats stats_of(const db& d) {
  auto s = d.stats();
  EXPECT_TRUE(s) << s.error().to_string();
  return s ? *s : store_stats{};
}

class ReplicaTest : public ::testing::Test {
protected:
  void start_primary(std::vector<std::string> extra = {}, uint16_t port = 0) {
    primary_ = test::mossd_process::start(dir_.file("primary"), port, std::move(extra));
    ASSERT_GT(primary_.port, 0) << "the primary did not start";
  }
  test::mossd_process start_replica(const std::string& name, std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), {"--replica-of", "127.0.0.1:" + std::to_string(primary_.port)});
    auto p = test::mossd_process::start(dir_.file(name), 0, std::move(extra));
    EXPECT_GT(p.port, 0) << "the replica did not start";
    return p;
  }

  /// Polls `done` every 20 ms until it holds or `patience` has passed.
  template <class Pred>
  static bool eventually(Pred done, std::chrono::milliseconds patience = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline)
        return false;
      std::this_thread::sleep_for(20ms);
    }
    return true;
  }

  /// Waits until the replica has applied the primary's revision (the
  /// primary takes no more writes), then compares their full scans.
  void expect_converged(const db& primary, const db& replica, std::chrono::seconds patience = 30s) {
    const revision want = stats_of(primary).rev;
    const auto deadline = std::chrono::steady_clock::now() + patience;
    store_stats rs;
    while ((rs = stats_of(replica)).rev < want && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(20ms);
    ASSERT_EQ(rs.rev, want) << "the replica did not catch up";
    auto p = primary.scan_prefix("");
    auto r = replica.scan_prefix("");
    ASSERT_TRUE(p && r);
    ASSERT_EQ(r->entries.size(), p->entries.size());
    for (size_t i = 0; i < p->entries.size(); ++i)
      ASSERT_EQ(r->entries[i], p->entries[i]) << "entry " << i << " (" << p->entries[i].key << ") differs";
    EXPECT_EQ(stats_of(replica).rev, want);
  }

  /// A primary holding a = 1, and a replica of it that has caught up.
  struct primary_and_replica_t {
    db p;
    test::mossd_process replica;
    db r;
  };
  primary_and_replica_t primary_and_replica(std::vector<std::string> primary_flags = {}) {
    start_primary(std::move(primary_flags));
    db p = connect_to(primary_.port);
    EXPECT_TRUE(p.set("a", "1"));
    auto replica = start_replica("replica");
    db r = connect_to(replica.port);
    expect_converged(p, r);
    return {std::move(p), std::move(replica), std::move(r)};
  }

  /// A primary with a 4 KiB history, and far more than that written since a
  /// replica in "replica" caught up and stopped.
  db past_a_stopped_replicas_history(std::mt19937& rng) {
    start_primary({"--history-bytes", "4096"});
    db p = connect_to(primary_.port);
    random_writes(p, rng, "a/", 50);
    follow_then_stop(p, "replica");
    for (int i = 0; i < 200; ++i)
      EXPECT_TRUE(p.set("big/" + std::to_string(i), std::string(200, 'x')));
    return p;
  }

  /// Starts a replica in `name`, lets it catch up with `primary`, stops it.
  void follow_then_stop(const db& primary, const std::string& name) {
    auto replica = start_replica(name);
    db r = connect_to(replica.port);
    expect_converged(primary, r);
    replica.stop(SIGTERM);
  }

  /// `n` random writes (sets, overwrites, deletes, batches) under `prefix`.
  static void random_writes(db& d, std::mt19937& rng, const std::string& prefix, int n) {
    for (int i = 0; i < n; ++i) {
      const std::string key = prefix + std::to_string(rng() % 200);
      switch (rng() % 6) {
        case 0:
          ASSERT_TRUE(d.del(key));
          break;
        case 1: {
          batch b;
          for (int j = 0; j < 5; ++j)
            b.set(prefix + std::to_string(rng() % 200), std::string(rng() % 64, static_cast<char>(rng())));
          ASSERT_TRUE(d.write(b));
          break;
        }
        default:
          ASSERT_TRUE(d.set(key, "v\0"s + std::to_string(rng())));
      }
    }
  }

  test::temp_dir dir_;
  test::mossd_process primary_;
};

TEST_F(ReplicaTest, AnEmptyReplicaCatchesUpAndFollowsTheLiveStream) {
  std::mt19937 rng{test_seed()};
  start_primary();
  db p = connect_to(primary_.port);
  random_writes(p, rng, "a/", 300);
  ASSERT_TRUE(p.set("ttl/short", "x", with_ttl(1s)));
  ASSERT_TRUE(p.set("ttl/long", "y", with_ttl(600s)));

  auto replica = start_replica("replica");
  db r = connect_to(replica.port);
  expect_converged(p, r);
  EXPECT_EQ(stats_of(r).full_syncs, 1u);  // an empty directory starts from a snapshot

  // Then the live stream, expiry included: the primary expires, the replica
  // applies its record.
  random_writes(p, rng, "b/", 300);
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(p.get("ttl/short").value(), std::nullopt);
  expect_converged(p, r);
  EXPECT_EQ(r.get("ttl/short").value(), std::nullopt);
  EXPECT_EQ(r.get("ttl/long").value(), "y");
  const auto rs = stats_of(r);
  EXPECT_EQ(rs.replica_of, "127.0.0.1:" + std::to_string(primary_.port));
  EXPECT_TRUE(rs.replica_connected);
  EXPECT_EQ(rs.full_syncs, 1u);
  const auto ps = stats_of(p);
  ASSERT_EQ(ps.replicas.size(), 1u);
  EXPECT_FALSE(ps.replicas[0].syncing);
}

TEST_F(ReplicaTest, ARestartedReplicaResumesWithoutAFullSync) {
  std::mt19937 rng{test_seed()};
  start_primary();
  db p = connect_to(primary_.port);
  random_writes(p, rng, "a/", 200);
  auto replica = start_replica("replica");
  {
    db r = connect_to(replica.port);
    expect_converged(p, r);
  }
  EXPECT_EQ(WEXITSTATUS(replica.stop(SIGTERM)), 0);

  random_writes(p, rng, "a/", 200);  // while it is down
  replica = start_replica("replica");
  db r = connect_to(replica.port);
  expect_converged(p, r);
  EXPECT_EQ(stats_of(r).full_syncs, 0u) << "it should have resumed from its own log";
}

TEST_F(ReplicaTest, AReplicaWhosePlaceLeftTheHistoryCatchesUpFromTheLog) {
  std::mt19937 rng{test_seed()};
  db p = past_a_stopped_replicas_history(rng);
  // And several log-read budgets (16 MiB).
  for (int i = 0; i < 40; ++i)
    ASSERT_TRUE(p.set("huge/" + std::to_string(i), std::string(1u << 20, static_cast<char>('a' + i % 26))));
  random_writes(p, rng, "a/", 100);
  auto replica = start_replica("replica");
  db r = connect_to(replica.port);
  expect_converged(p, r, 60s);
  EXPECT_EQ(stats_of(r).full_syncs, 0u) << "the primary's log still had its place";
  // And it streams again afterwards.
  random_writes(p, rng, "b/", 50);
  expect_converged(p, r);
}

TEST_F(ReplicaTest, AReplicaWhosePlaceIsCompactedAwayGetsASnapshot) {
  std::mt19937 rng{test_seed()};
  db p = past_a_stopped_replicas_history(rng);
  ASSERT_TRUE(p.compact());  // the log now starts after the replica's place
  random_writes(p, rng, "a/", 50);
  auto replica = start_replica("replica");
  db r = connect_to(replica.port);
  expect_converged(p, r);
  EXPECT_EQ(stats_of(r).full_syncs, 1u);
  random_writes(p, rng, "b/", 50);
  expect_converged(p, r);
}

TEST_F(ReplicaTest, WritesDuringASnapshotTransferAllArrive) {
  start_primary();
  db p = connect_to(primary_.port);
  // About 24 MiB: the snapshot goes in many chunks.
  for (int i = 0; i < 96; ++i) {
    batch b;
    for (int j = 0; j < 256; ++j)
      b.set("bulk/" + std::to_string(i) + "/" + std::to_string(j), std::string(1000, static_cast<char>('a' + j % 26)));
    ASSERT_TRUE(p.write(b));
  }
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    db w = connect_to(primary_.port);
    while (!stop.load()) {
      const int n = written.load();
      if (!w.set("live/" + std::to_string(n), std::to_string(n)))
        break;
      written.store(n + 1);
    }
  });
  std::this_thread::sleep_for(100ms);
  auto replica = start_replica("replica");
  db r = connect_to(replica.port);
  std::this_thread::sleep_for(2s);
  stop = true;
  writer.join();
  ASSERT_GT(written.load(), 0);
  expect_converged(p, r, 60s);
  EXPECT_EQ(stats_of(r).full_syncs, 1u);
  for (int n = 0; n < written.load(); ++n)
    ASSERT_EQ(r.get("live/" + std::to_string(n)).value(), std::to_string(n));
}

TEST_F(ReplicaTest, TwoReplicasAtOnce) {
  std::mt19937 rng{test_seed()};
  start_primary();
  db p = connect_to(primary_.port);
  random_writes(p, rng, "a/", 100);
  auto one = start_replica("one");
  auto two = start_replica("two");
  db r1 = connect_to(one.port);
  db r2 = connect_to(two.port);
  random_writes(p, rng, "a/", 300);
  expect_converged(p, r1);
  expect_converged(p, r2);
  const auto ps = stats_of(p);
  ASSERT_EQ(ps.replicas.size(), 2u);
  for (const auto& info : ps.replicas) {
    EXPECT_EQ(info.applied, ps.rev);
    EXPECT_EQ(info.lag_revs, 0u);
  }
}

TEST_F(ReplicaTest, APrimaryKilledAndRestartedIsFollowedAgain) {
  std::mt19937 rng{test_seed()};
  start_primary();
  auto replica = start_replica("replica");
  db r = connect_to(replica.port);
  {
    db p = connect_to(primary_.port);
    random_writes(p, rng, "a/", 200);
    expect_converged(p, r);
    random_writes(p, rng, "a/", 100);  // some of it may not have reached the replica
  }
  const uint16_t port = primary_.port;
  primary_.kill_now();
  // The replica goes on serving reads, and says it lost its primary.
  EXPECT_TRUE(r.scan_prefix("a/"));
  (void) eventually([&] { return !stats_of(r).replica_connected; }, 15s);
  EXPECT_FALSE(stats_of(r).replica_connected);

  start_primary({}, port);
  db p = connect_to(primary_.port);
  random_writes(p, rng, "b/", 100);
  expect_converged(p, r);
  EXPECT_TRUE(stats_of(r).replica_connected);
  // Under `always` the restarted primary is the same incarnation: resumed,
  // from its history or its log, without a second full sync.
  EXPECT_EQ(stats_of(r).full_syncs, 1u);
}

TEST_F(ReplicaTest, ASilentPrimaryIsNoticedAndFollowedAgainWhenItWakes) {
  // A primary that stops answering (SIGSTOP: no FIN, no RST) is declared
  // lost within seconds; the replica serves reads meanwhile.
  auto [p, replica, r] = primary_and_replica();
  ASSERT_TRUE(primary_.pause());
  const auto stopped = std::chrono::steady_clock::now();
  while (stats_of(r).replica_connected && std::chrono::steady_clock::now() - stopped < 30s)
    std::this_thread::sleep_for(100ms);
  const auto noticed = std::chrono::steady_clock::now() - stopped;
  EXPECT_FALSE(stats_of(r).replica_connected);
  EXPECT_LT(noticed, 15s);
  EXPECT_EQ(r.get("a").value(), "1");
  ASSERT_EQ(::kill(primary_.pid, SIGCONT), 0);
  ASSERT_TRUE(p.set("b", "2"));
  expect_converged(p, r);
  EXPECT_TRUE(stats_of(r).replica_connected);
}

TEST_F(ReplicaTest, APrimaryThatMayHaveLostWritesIsFollowedFromAFullSync) {
  // Under every_second a killed primary may come back without writes the
  // replica already has: it comes back as another incarnation, and the
  // replica replaces its data instead of resuming on top of a fork.
  std::mt19937 rng{test_seed()};
  start_primary({"--fsync", "every_second"});
  auto replica = start_replica("replica");
  db r = connect_to(replica.port);
  {
    db p = connect_to(primary_.port);
    random_writes(p, rng, "a/", 100);
    expect_converged(p, r);
  }
  const uint64_t before = stats_of(r).full_syncs;
  const uint16_t port = primary_.port;
  primary_.kill_now();
  start_primary({"--fsync", "every_second"}, port);
  db p = connect_to(primary_.port);
  random_writes(p, rng, "b/", 50);
  (void) eventually([&] { return stats_of(r).full_syncs != before; });
  EXPECT_EQ(stats_of(r).full_syncs, before + 1);
  expect_converged(p, r);
}

TEST_F(ReplicaTest, AReplicaTakesNoReplicasOfItsOwn) {
  auto [p, replica, r] = primary_and_replica();
  auto second = test::mossd_process::start(dir_.file("second"), 0,
                                           {"--replica-of", "127.0.0.1:" + std::to_string(replica.port)});
  ASSERT_GT(second.port, 0);
  db s2 = connect_to(second.port);
  std::this_thread::sleep_for(1500ms);
  const auto st = stats_of(s2);
  EXPECT_FALSE(st.replica_connected);
  EXPECT_EQ(st.rev, 0u);
  EXPECT_EQ(s2.get("a").value(), std::nullopt);
  EXPECT_TRUE(stats_of(r).replicas.empty());
  expect_converged(p, r);
}

TEST_F(ReplicaTest, AReplicaCompactsItsOwnLogWhileItFollowsAndResumesFromIt) {
  // Past 64 MiB of log (the automatic compaction's floor) the replica
  // compacts its own log between the groups it applies.
  start_primary();
  db p = connect_to(primary_.port);
  ASSERT_TRUE(p.set("a", "1"));
  auto replica = start_replica("replica");
  {
    db r = connect_to(replica.port);
    expect_converged(p, r);
    for (int i = 0; i < 80; ++i)
      ASSERT_TRUE(p.set("big/" + std::to_string(i % 40), std::string(1u << 20, static_cast<char>('a' + i % 26))));
    expect_converged(p, r, 60s);
    (void) eventually([&] { return stats_of(r).compactions != 0; });
    EXPECT_GE(stats_of(r).compactions, 1u);
  }
  replica.stop(SIGTERM);
  ASSERT_TRUE(p.set("b", "2"));
  replica = start_replica("replica");
  db r = connect_to(replica.port);
  expect_converged(p, r);
  EXPECT_EQ(stats_of(r).full_syncs, 0u) << "it should have resumed from its own snapshot and log";
}

TEST_F(ReplicaTest, AReplicaKilledMidStreamResumesExactly) {
  start_primary();
  db p = connect_to(primary_.port);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    db w = connect_to(primary_.port);
    std::mt19937 rng{42};
    for (int n = 0; !stop.load(); ++n) {
      batch b;
      b.set("k/" + std::to_string(rng() % 500), std::to_string(n)).del("k/" + std::to_string(rng() % 500));
      if (!w.write(b))
        break;
    }
  });
  auto replica = start_replica("replica");
  std::this_thread::sleep_for(1s);
  for (int round = 0; round < 3; ++round) {
    replica.kill_now();  // mid-stream: frames in flight, a commit half applied
    replica = start_replica("replica");
    std::this_thread::sleep_for(700ms);
  }
  stop = true;
  writer.join();
  db r = connect_to(replica.port);
  expect_converged(p, r);
  EXPECT_EQ(stats_of(r).full_syncs, 0u) << "each restart should have resumed from its own log";
}

TEST_F(ReplicaTest, AReplicaRefusesWritesAndServesReadsAndWatches) {
  auto [p, replica, r] = primary_and_replica();

  const std::string primary_at = "127.0.0.1:" + std::to_string(primary_.port);
  auto refused = [&](const status& s) {
    EXPECT_EQ(s.code(), errc::read_only) << s.to_string();
    EXPECT_NE(s.message().find(primary_at), std::string::npos) << s.to_string();
  };
  refused(r.set("a", "2"));
  refused(r.del("a").error());
  refused(r.persist("a").error());
  batch b;
  b.set("x", "1");
  refused(r.write(b).error());
  refused(r.txn(txn_request::of(txn_op::put("x", "1"))).error());
  refused(r.tx([](tx& t) -> status {
    t.set("x", "1");
    return status::ok();
  }));
  refused(r.compact());
  EXPECT_EQ(r.get("a").value(), "1");
  EXPECT_EQ(r.get("x").value(), std::nullopt);
  // A transaction that only reads is served.
  auto read = r.txn(txn_request::of(txn_op::get("a")));
  ASSERT_TRUE(read) << read.error().to_string();
  EXPECT_EQ(read->results[0].entry.value, "1");

  // Watches on the replica see the primary's revisions, values and previous values.
  watch_options wo;
  wo.prev_value = true;
  auto w = r.watch_prefix("", wo);
  ASSERT_FALSE(w.done()) << w.error().to_string();
  std::vector<revision> revs;
  batch two;
  two.set("a", "2").set("c", "3");
  revs.push_back(p.write(two).value());
  revs.push_back(p.txn(txn_request::of(txn_op::del("c"))).value().rev);
  auto e1 = w.next(10s), e2 = w.next(10s), e3 = w.next(10s);
  ASSERT_TRUE(e1 && e2 && e3);
  EXPECT_EQ(e1->rev, revs[0]);
  EXPECT_EQ(e1->key, "a");
  EXPECT_EQ(e1->prev_value, "1");
  EXPECT_EQ(e2->rev, revs[0]);
  EXPECT_EQ(e3->rev, revs[1]);
  EXPECT_EQ(e3->kind, event_kind::del);
  expect_converged(p, r);
}

TEST_F(ReplicaTest, AFullSyncUnderALiveReplicaEndsItsWatchesWithCompacted) {
  // A watcher on a replica must never miss changes silently: when a full
  // sync replaces the data under it, its watch ends with errc::compacted.
  auto [p, replica, r] = primary_and_replica({"--history-bytes", "4096"});
  auto w = r.watch_prefix("");
  ASSERT_FALSE(w.done()) << w.error().to_string();
  // The replica stops reading; the primary's feed buffers past its bound
  // (64 MiB) and ends the stream; the history (4 KiB) cannot resume it.
  ASSERT_TRUE(replica.pause());
  for (int i = 0; i < 80; ++i)
    ASSERT_TRUE(p.set("big/" + std::to_string(i), std::string(1u << 20, static_cast<char>('a' + i % 26))));
  ASSERT_EQ(::kill(replica.pid, SIGCONT), 0);
  expect_converged(p, r, 60s);
  EXPECT_EQ(stats_of(r).full_syncs, 2u);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!w.done() && std::chrono::steady_clock::now() < deadline)
    (void) w.next(100ms);
  ASSERT_TRUE(w.done()) << "the watch went on across a full sync";
  EXPECT_EQ(w.error().code(), errc::compacted) << w.error().to_string();
  // A new watch from the replica's revision sees the next change.
  watch_options wo;
  wo.start_rev = stats_of(r).rev + 1;
  auto again = r.watch_prefix("", wo);
  ASSERT_TRUE(p.set("after", "x"));
  auto e = again.next(10s);
  ASSERT_TRUE(e) << again.error().to_string();
  EXPECT_EQ(e->key, "after");
  expect_converged(p, r);
}

TEST_F(ReplicaTest, AReplicaRestartedWithoutReplicaOfIsAPrimaryAndForgetsItsPlace) {
  std::mt19937 rng{test_seed()};
  start_primary();
  db p = connect_to(primary_.port);
  random_writes(p, rng, "a/", 100);
  follow_then_stop(p, "replica");
  // Promotion: the same directory as a plain primary takes writes.
  {
    auto promoted = test::mossd_process::start(dir_.file("replica"), 0);
    ASSERT_GT(promoted.port, 0);
    db r = connect_to(promoted.port);
    EXPECT_EQ(r.scan_prefix("a/")->entries, p.scan_prefix("a/")->entries);
    ASSERT_TRUE(r.set("only/here", "x"));
    EXPECT_EQ(stats_of(r).replica_of, "");
    promoted.stop(SIGTERM);
  }
  // Following the old primary again, it may not resume from its revision
  // (its history has a write the primary never saw): a full sync.
  ASSERT_TRUE(p.set("a/after", "y"));
  auto replica = start_replica("replica");
  db r = connect_to(replica.port);
  // (Its revision equals the primary's before the sync: wait for the sync.)
  (void) eventually([&] { return stats_of(r).full_syncs != 0; });
  EXPECT_EQ(stats_of(r).full_syncs, 1u);
  expect_converged(p, r);
  EXPECT_EQ(r.get("only/here").value(), std::nullopt);
}

TEST_F(ReplicaTest, OverTlsTheReplicaFollowsWithItsCertificateAndWithoutOneIsRefused) {
  auto certs = test::make_test_tls(dir_.path(), quick());
  ASSERT_TRUE(certs);
  start_primary(certs->node_flags);
  db p = connect_to(primary_.port, certs->client);
  ASSERT_TRUE(p.set("a", "1"));
  auto replica = start_replica("replica", certs->node_flags);
  db r = connect_to(replica.port, certs->client);
  expect_converged(p, r);
  ASSERT_TRUE(p.set("b", "2"));
  expect_converged(p, r);
  // A replica without the certificate never gets a byte of the stream.
  auto plain = start_replica("plain");
  db r2 = connect_to(plain.port);
  std::this_thread::sleep_for(1500ms);
  EXPECT_FALSE(stats_of(r2).replica_connected);
  EXPECT_EQ(r2.get("a").value(), std::nullopt);
  expect_converged(p, r);
}

TEST_F(ReplicaTest, MinRevWaitsForTheReplicaToApplyAWrite) {
  start_primary();
  auto replica = start_replica("replica");
  db p = connect_to(primary_.port);
  for (int i = 0; i < 50; ++i) {
    const revision rev = p.txn(txn_request::of(txn_op::put("k", std::to_string(i)))).value().rev;
    connect_options o = quick();
    o.min_rev = rev;
    db r = connect_to(replica.port, o);
    ASSERT_EQ(r.get("k").value(), std::to_string(i)) << "read-your-writes at revision " << rev;
  }
  // A revision the primary has not reached: a timeout, not a hang.
  connect_options o = quick();
  o.timeout = 300ms;
  o.min_rev = stats_of(p).rev + 1000;
  const auto began = std::chrono::steady_clock::now();
  auto late = db::connect("127.0.0.1", replica.port, o);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code(), errc::timeout) << late.error().to_string();
  EXPECT_LT(std::chrono::steady_clock::now() - began, 5s);
  db r = connect_to(replica.port);
  expect_converged(p, r);
}

} // namespace
} // namespace moss
