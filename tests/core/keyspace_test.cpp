// The sharded keyspace: reads, expiry hiding, ordered merged scans, and the
// consistent cut across shards.
#include <thread>

#include <gtest/gtest.h>

#include "core/keyspace.hpp"

namespace moss {
namespace {

using namespace std::chrono_literals;

class KeyspaceTest : public ::testing::Test {
protected:
  // A group putting each key at its own revision, starting at `rev`.
  std::unique_ptr<write_group> puts(std::initializer_list<std::string> keys, revision rev,
                                    int64_t expiry = 0) {
    auto gp = std::make_unique<write_group>();
    write_group& g = *gp;
    for (const auto& k : keys) {
      write_op op;
      op.kind = change_kind::put;
      op.shard = static_cast<uint32_t>(ks_.shard_of(k));
      op.rev = rev;
      op.key = k;
      op.value = "v-" + k;
      op.meta = {rev, rev, 1, expiry};
      g.ops.push_back(op);
      g.commits.push_back({rev, static_cast<uint32_t>(g.ops.size() - 1), 1});
      ++rev;
    }
    std::vector<bool> touched(ks_.shard_count());
    for (auto& op : g.ops)
      touched[op.shard] = true;
    for (bool t : touched)
      g.shards_touched += t;
    g.shards_pending = g.shards_touched;
    return gp;
  }
  void apply_all(const std::unique_ptr<write_group>& g) { apply_all(*g); }
  void apply_all(const write_group& g) {
    for (size_t i = 0; i < ks_.shard_count(); ++i)
      ks_.apply(i, g);
  }
  std::vector<std::string> keys(const scan_result& r) {
    std::vector<std::string> out;
    for (auto& e : r.entries)
      out.push_back(e.key);
    return out;
  }

  std::shared_ptr<manual_time_source> clock_ = std::make_shared<manual_time_source>();
  keyspace ks_{engine_kind::radix, 4, clock_};
};

TEST_F(KeyspaceTest, GetReturnsAppliedEntryWithMetadata) {
  apply_all(puts({"a", "b"}, 7));
  auto e = ks_.get("b");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->value, "v-b");
  EXPECT_EQ(e->meta, (record_meta{8, 8, 1, 0}));
  EXPECT_FALSE(ks_.get("c"));
  EXPECT_EQ(ks_.get("a", false)->value, "");
}

TEST_F(KeyspaceTest, ExpiredEntriesAreHiddenBeforeAnyoneRemovesThem) {
  int64_t deadline = clock_->now_ns() + 100'000'000;
  apply_all(puts({"short"}, 1, deadline));
  apply_all(puts({"long"}, 2));
  EXPECT_TRUE(ks_.get("short"));
  clock_->advance(100ms);
  EXPECT_FALSE(ks_.get("short"));
  EXPECT_EQ(keys(ks_.scan(scan_request::prefix(""))), std::vector<std::string>{"long"});
  EXPECT_EQ(ks_.size(), 2u);  // still stored until the TTL timer deletes it
}

TEST_F(KeyspaceTest, ScanMergesShardsInKeyOrderAndReportsMore) {
  apply_all(puts({"k5", "k1", "k9", "k3", "k7", "x"}, 1));
  auto all = ks_.scan(scan_request::prefix("k"));
  EXPECT_EQ(keys(all), (std::vector<std::string>{"k1", "k3", "k5", "k7", "k9"}));
  EXPECT_FALSE(all.more);
  auto first = ks_.scan(scan_request::prefix("k", 2));
  EXPECT_EQ(keys(first), (std::vector<std::string>{"k1", "k3"}));
  EXPECT_TRUE(first.more);
  EXPECT_EQ(keys(ks_.scan(scan_request::range("k3", "k9"))),
            (std::vector<std::string>{"k3", "k5", "k7"}));
  auto exact = ks_.scan(scan_request::prefix("k", 5));
  EXPECT_FALSE(exact.more);
  scan_request keys_only = scan_request::prefix("x");
  keys_only.keys_only = true;
  EXPECT_EQ(ks_.scan(keys_only).entries.at(0).value, "");
}

TEST_F(KeyspaceTest, ScanNeverSeesHalfOfAMultiShardGroup) {
  // Find two keys on different shards.
  std::string a = "a", b = "b";
  for (int i = 0; ks_.shard_of(b) == ks_.shard_of(a); ++i)
    b = "b" + std::to_string(i);
  auto gp = puts({a, b}, 1);
  const write_group& g = *gp;
  ASSERT_EQ(g.shards_touched, 2u);
  ks_.apply(ks_.shard_of(a), g);  // half applied
  std::vector<std::string> seen;
  std::thread reader([&] { seen = keys(ks_.scan(scan_request::prefix(""))); });
  ks_.apply(ks_.shard_of(b), g);
  reader.join();
  // The reader started after the first half: it can only see both keys.
  EXPECT_EQ(seen.size(), 2u);
}

TEST_F(KeyspaceTest, DeletesRemoveAndMemoryIsReported) {
  apply_all(puts({"a", "b"}, 1));
  size_t full = ks_.memory_usage();
  write_group del;
  write_op op;
  op.kind = change_kind::del;
  op.key = "a";
  op.shard = static_cast<uint32_t>(ks_.shard_of("a"));
  del.ops.push_back(op);
  del.shards_touched = 1;
  apply_all(del);
  EXPECT_FALSE(ks_.get("a"));
  EXPECT_EQ(ks_.size(), 1u);
  EXPECT_LT(ks_.memory_usage(), full);
}

} // namespace
} // namespace moss
