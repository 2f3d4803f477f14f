// The keyspace under real concurrency without CAF (so ThreadSanitizer sees
// every synchronization): one applier thread per shard, as the shard actors
// run, applying multi-shard transfer groups in order, while reader threads
// get and scan. Readers must never see half of a group. Seed printed.
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "core/keyspace.hpp"

namespace moss {
namespace {

TEST(KeyspaceConcurrencyTest, ReadersNeverSeeHalfAppliedGroups) {
  const uint64_t seed = std::getenv("MOSS_SEED") ? std::strtoull(std::getenv("MOSS_SEED"), nullptr, 10)
                                                 : std::random_device{}();
  std::cout << "[ seed ] MOSS_SEED=" << seed << "\n";
  constexpr size_t shards = 3, accounts = 12, groups = 20000;
  constexpr int64_t start = 100;
  keyspace ks(engine_kind::radix, shards, nullptr);

  // Builds a group that moves `amount` between two accounts at revision rev.
  auto transfer = [&](std::vector<int64_t>& balance, size_t from, size_t to, int64_t amount,
                      revision rev) {
    auto g = std::make_shared<write_group>();
    for (size_t a : {from, to}) {
      balance[a] += a == from ? -amount : amount;
      write_op op;
      op.key = "acct/" + std::to_string(a);
      op.shard = static_cast<uint32_t>(ks.shard_of(op.key));
      op.rev = rev;
      op.value = std::to_string(balance[a]);
      op.meta.mod_rev = rev;
      g->ops.push_back(std::move(op));
    }
    g->commits.push_back({rev, 0, 2});
    std::vector<bool> touched(shards);
    for (auto& op : g->ops)
      touched[op.shard] = true;
    for (bool t : touched)
      g->shards_touched += t;
    g->shards_pending = g->shards_touched;
    return g;
  };

  // Every account created in one group, applied before the race starts.
  std::vector<int64_t> balance(accounts, 0);
  {
    auto g = std::make_shared<write_group>();
    for (size_t a = 0; a < accounts; ++a) {
      balance[a] = start;
      write_op op;
      op.key = "acct/" + std::to_string(a);
      op.shard = static_cast<uint32_t>(ks.shard_of(op.key));
      op.rev = 1;
      op.value = std::to_string(start);
      g->ops.push_back(std::move(op));
    }
    g->shards_touched = shards;
    g->shards_pending = shards;
    for (size_t s = 0; s < shards; ++s)
      ks.apply(s, *g);
  }
  std::vector<std::shared_ptr<write_group>> plan;
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < groups; ++i) {
    size_t from = rng() % accounts, to = (from + 1 + rng() % (accounts - 1)) % accounts;
    plan.push_back(transfer(balance, from, to, static_cast<int64_t>(rng() % 20), i + 2));
  }

  std::atomic<bool> done{false};
  std::atomic<int> scans{0};
  std::vector<std::thread> threads;
  for (size_t s = 0; s < shards; ++s)  // appliers: each shard applies its groups in order
    threads.emplace_back([&, s] {
      while (scans.load() == 0)  // race the readers, don't outrun them
        std::this_thread::yield();
      for (auto& g : plan)
        for (auto& op : g->ops)
          if (op.shard == s) {  // a shard gets only the groups it has ops in
            ks.apply(s, *g);
            break;
          }
    });
  for (int r = 0; r < 2; ++r)  // readers
    threads.emplace_back([&] {
      while (!done) {
        auto cut = ks.scan(scan_request::prefix("acct/"));
        int64_t total = 0;
        for (auto& e : cut.entries)
          total += std::stoll(e.value);
        ASSERT_EQ(cut.entries.size(), accounts);
        ASSERT_EQ(total, static_cast<int64_t>(accounts) * start) << "saw half of a group";
        (void) ks.get("acct/0");
        ++scans;
      }
    });
  for (size_t s = 0; s < shards; ++s)
    threads[s].join();
  done = true;
  for (size_t i = shards; i < threads.size(); ++i)
    threads[i].join();
  EXPECT_GT(scans.load(), 0);
  for (size_t a = 0; a < accounts; ++a)
    EXPECT_EQ(ks.get("acct/" + std::to_string(a))->value, std::to_string(balance[a]));
}

} // namespace
} // namespace moss
