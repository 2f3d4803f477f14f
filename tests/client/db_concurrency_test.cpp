// Many threads at once: closure transactions never lose an update, bank
// transfers keep the total for every reader (atomic visibility across
// shards), and concurrent writers end exactly at their models. Seeds are
// printed; MOSS_SEED replays.
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include <moss/db.hpp>

#include "tests/persistence/temp_dir.hpp"
#include "tests/util/db_model_run.hpp"

namespace moss {
namespace {

uint64_t seed() {
  static const uint64_t s = [] {
    const char* env = std::getenv("MOSS_SEED");
    uint64_t v = env ? std::strtoull(env, nullptr, 10) : std::random_device{}();
    std::cout << "[ seed ] MOSS_SEED=" << v << "\n";
    return v;
  }();
  return s;
}

db open_db(engine_kind kind) {
  options opts;
  opts.engine = kind;
  opts.shards = 4;
  opts.threads = 2;
  auto d = db::open(opts);
  EXPECT_TRUE(d);
  return std::move(*d);
}

int64_t as_int(const std::optional<std::string>& v) {
  return v ? std::stoll(*v) : 0;
}

// The sum of the numbers stored under `prefix`, read as one consistent cut.
int64_t sum_under(const db& d, std::string_view prefix) {
  auto cut = d.scan_prefix(prefix);
  if (!cut) {
    ADD_FAILURE() << "scan failed: " << cut.error().to_string();
    return -1;
  }
  int64_t total = 0;
  for (auto& e : cut->entries)
    total += std::stoll(e.value);
  return total;
}

class DbConcurrencyTest : public ::testing::TestWithParam<engine_kind> {};
INSTANTIATE_TEST_SUITE_P(BothEngines, DbConcurrencyTest,
                         ::testing::Values(engine_kind::hash, engine_kind::radix),
                         [](const auto& info) { return std::string{to_string(info.param)}; });

TEST_P(DbConcurrencyTest, ConcurrentIncrementsThroughTxNeverLoseAnUpdate) {
  db d = open_db(GetParam());
  constexpr int threads = 4, per_thread = 400, counters = 3;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      std::mt19937_64 rng(seed() + t);
      for (int i = 0; i < per_thread; ++i) {
        std::string key = "counter/" + std::to_string(rng() % counters);
        auto st = d.tx(
          [&](tx& x) {
            auto v = x.get(key);
            if (!v)
              return v.error();
            x.set(key, std::to_string(as_int(*v) + 1));
            return status::ok();
          },
          {.max_attempts = 10'000});
        ASSERT_TRUE(st) << st.to_string();
      }
    });
  for (auto& t : pool)
    t.join();
  EXPECT_EQ(sum_under(d, "counter/"), threads * per_thread);
}

TEST_P(DbConcurrencyTest, BankTransfersKeepTheTotalForEveryReader) {
  db d = open_db(GetParam());
  constexpr int accounts = 8, start = 1000, threads = 4, transfers = 300;
  batch open;
  for (int a = 0; a < accounts; ++a)
    open.set("acct/" + std::to_string(a), std::to_string(start));
  ASSERT_TRUE(d.write(open));

  std::atomic<bool> done{false};
  std::atomic<int> audits{0};
  std::thread auditor([&] {
    // Scans are one consistent cut across shards: never half a transfer.
    while (!done) {
      ASSERT_EQ(sum_under(d, "acct/"), accounts * start) << "a reader saw half of a transfer";
      ++audits;
    }
  });
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      std::mt19937_64 rng(seed() * 31 + t);
      for (int i = 0; i < transfers; ++i) {
        std::string from = "acct/" + std::to_string(rng() % accounts);
        std::string to = "acct/" + std::to_string(rng() % accounts);
        int64_t amount = static_cast<int64_t>(rng() % 50);
        if (from == to)
          continue;
        auto st = d.tx(
          [&](tx& x) {
            int64_t a = as_int(*x.get(from));
            int64_t b = as_int(*x.get(to));
            x.set(from, std::to_string(a - amount));
            x.set(to, std::to_string(b + amount));
            return status::ok();
          },
          {.max_attempts = 10'000});
        ASSERT_TRUE(st) << st.to_string();
      }
    });
  for (auto& t : pool)
    t.join();
  done = true;
  auditor.join();
  EXPECT_GT(audits.load(), 0);
  EXPECT_EQ(sum_under(d, "acct/"), accounts * start);
}

TEST_P(DbConcurrencyTest, ConcurrentWritersEndAtTheirModels) {
  db d = open_db(GetParam());
  test::run_mixed_writers(d, "t", 4, 3000, 64, seed());
}

// Async commits from several threads at once, in bursts: each thread's
// commits get increasing revisions in the order it made them, no revision is
// given twice, and the store ends at every thread's model.
TEST_P(DbConcurrencyTest, AsyncBurstsFromManyThreadsKeepEachThreadsOrder) {
  db d = open_db(GetParam());
  constexpr int threads = 4, ops = 6000;
  std::vector<std::map<std::string, std::string>> models(threads);
  std::vector<std::vector<revision>> revs(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      std::mt19937_64 rng(seed() * 13 + t);
      std::string prefix = "b" + std::to_string(t) + "/";
      std::vector<write_future> burst;
      for (int i = 0; i < ops; ++i) {
        std::string key = prefix + std::to_string(rng() % 100);
        std::string value = std::to_string(i);
        if (rng() % 10 == 0) {
          ASSERT_TRUE(d.del_async(key).get());  // in the stream of async commits
          models[t].erase(key);
          revs[t].push_back(0);
        } else {
          burst.push_back(d.set_async(key, value));
          models[t][key] = value;
        }
        if (burst.size() >= 1 + rng() % 500) {
          for (auto& f : burst) {
            auto r = f.get();
            ASSERT_TRUE(r) << r.error().to_string();
            revs[t].push_back(r->rev);
          }
          burst.clear();
        }
      }
      for (auto& f : burst)
        revs[t].push_back(f.get()->rev);
    });
  for (auto& t : pool)
    t.join();
  std::set<revision> all;
  for (int t = 0; t < threads; ++t) {
    revision last = 0;
    for (revision r : revs[t]) {
      if (r == 0)
        continue;  // a delete: its revision is not recorded
      EXPECT_GT(r, last) << "thread " << t << " saw its commits out of order";
      last = r;
      EXPECT_TRUE(all.insert(r).second) << "revision " << r << " given twice";
    }
    EXPECT_EQ(test::contents_under(d, "b" + std::to_string(t) + "/"), models[t]) << "thread " << t;
  }
}

// Closing while threads still hand over async commits: every commit is
// answered (none hangs), and after reopening, each key holds the value of
// the last write to it that was acknowledged (later ones were refused).
TEST_P(DbConcurrencyTest, CloseWhileAsyncCommitsPourInLosesNoAcknowledgedOne) {
  test::temp_dir dir;
  options opts;
  opts.engine = GetParam();
  opts.dir = dir.path();
  opts.fsync = fsync_policy::never;
  opts.threads = 2;
  constexpr int threads = 3;
  std::vector<std::map<std::string, std::string>> acked(threads);
  {
    auto d = db::open(opts);
    ASSERT_TRUE(d);
    std::atomic<bool> go{true};
    std::vector<std::vector<std::pair<std::string, write_future>>> sent(threads);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        std::mt19937_64 rng(seed() * 17 + t);
        for (int i = 0; go.load() && i < 200'000; ++i) {
          std::string key = "c" + std::to_string(t) + "/" + std::to_string(rng() % 50);
          sent[t].emplace_back(key, d->set_async(key, std::to_string(i)));
        }
      });
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + seed() % 30));
    ASSERT_TRUE(d->close());
    go = false;
    for (auto& th : pool)
      th.join();
    for (int t = 0; t < threads; ++t) {
      bool refused = false;
      for (size_t i = 0; i < sent[t].size(); ++i) {
        auto r = sent[t][i].second.get();
        if (r) {
          EXPECT_FALSE(refused) << "thread " << t << ": commit " << i
                                << " acknowledged after an earlier one was refused";
          acked[t][sent[t][i].first] = std::to_string(i);  // the value it wrote
        } else {
          EXPECT_EQ(r.error().code(), errc::closed) << r.error().to_string();
          refused = true;
        }
      }
    }
  }
  size_t keys_acked = 0;
  for (auto& m : acked)
    keys_acked += m.size();
  EXPECT_GT(keys_acked, 0u) << "the close came before any commit: nothing was tried";
  auto d = db::open(opts);
  ASSERT_TRUE(d);
  for (int t = 0; t < threads; ++t)
    EXPECT_EQ(test::contents_under(*d, "c" + std::to_string(t) + "/"), acked[t]) << "thread " << t;
}

} // namespace
} // namespace moss
