// The replication stream as data: a primary's groups turned into commits and
// back (randomized, against the original ops), and the replica's checks at
// its trust boundary: gaps, repeats, damaged payloads, limits.
#include <deque>
#include <iostream>
#include <random>

#include <gtest/gtest.h>

#include "core/keyspace.hpp"
#include "core/replicated_group.hpp"
#include <moss/time_source.hpp>

namespace moss {
namespace {

class ReplicatedGroupTest : public ::testing::Test {
protected:
  /// Adds one commit at `rev` of `ops` (kind, key, value, expiry) to `g`.
  static void add_commit(write_group& g, revision rev,
                         std::vector<std::tuple<change_kind, std::string, std::string, int64_t>> ops) {
    const auto first = static_cast<uint32_t>(g.ops.size());
    for (auto& [kind, key, value, expiry] : ops) {
      write_op& op = g.ops.emplace_back();
      op.kind = kind;
      op.rev = rev;
      op.key = key;
      op.value = value;
      op.meta.mod_rev = rev;
      op.meta.expiry = expiry;
    }
    g.commits.push_back({rev, first, static_cast<uint32_t>(ops.size())});
  }

  static std::vector<repl_commit> stream_of(const std::deque<write_group>& groups) {
    std::vector<repl_commit> out;
    for (const auto& g : groups)
      append_commits(g, 0, out);
    return out;
  }
  static std::vector<repl_commit> stream_of(const write_group& g, revision from = 0) {
    std::vector<repl_commit> out;
    append_commits(g, from, out);
    return out;
  }

  std::shared_ptr<manual_time_source> clock_ = std::make_shared<manual_time_source>();
  keyspace ks_{engine_kind::radix, 4, clock_};
  limits lim_;
};

TEST_F(ReplicatedGroupTest, GroupsRoundTripThroughTheStreamAsOnThePrimary) {
  const auto seed = std::random_device{}();
  std::cout << "seed " << seed << "\n";
  std::mt19937 rng{seed};
  for (int round = 0; round < 200; ++round) {
    std::deque<write_group> groups;  // (a group is not movable)
    revision rev = 10 + rng() % 1000;
    const revision applied = rev - 1;
    for (int gi = 0, gn = 1 + static_cast<int>(rng() % 4); gi < gn; ++gi) {
      write_group& g = groups.emplace_back();
      g.now = 1'000 * (gi + 1) + static_cast<int64_t>(rng() % 500);
      for (int c = 0, cn = 1 + static_cast<int>(rng() % 5); c < cn; ++c) {
        std::vector<std::tuple<change_kind, std::string, std::string, int64_t>> ops;
        for (int o = 0, on = 1 + static_cast<int>(rng() % 4); o < on; ++o) {
          const auto kind = static_cast<change_kind>(rng() % 3);
          std::string key(1 + rng() % 20, '\0');
          for (auto& ch : key)
            ch = static_cast<char>(rng());  // binary keys
          std::string value = kind == change_kind::put ? std::string(rng() % 100, static_cast<char>(rng())) : "";
          const int64_t expiry = kind == change_kind::put && rng() % 3 == 0 ? 5'000 + rng() % 1000 : 0;
          ops.emplace_back(kind, std::move(key), std::move(value), expiry);
        }
        add_commit(g, rev++, std::move(ops));
      }
    }
    auto back = replicated_groups(ks_, applied, stream_of(groups), lim_);
    ASSERT_TRUE(back) << back.error().to_string();
    ASSERT_EQ(back->size(), groups.size());  // one group per clock reading
    for (size_t gi = 0; gi < groups.size(); ++gi) {
      const write_group& want = groups[gi];
      const write_group& got = *(*back)[gi];
      EXPECT_EQ(got.now, want.now);
      ASSERT_EQ(got.commits.size(), want.commits.size());
      for (size_t c = 0; c < want.commits.size(); ++c) {
        EXPECT_EQ(got.commits[c].rev, want.commits[c].rev);
        EXPECT_EQ(got.commits[c].first, want.commits[c].first);
        EXPECT_EQ(got.commits[c].count, want.commits[c].count);
      }
      ASSERT_EQ(got.ops.size(), want.ops.size());
      for (size_t o = 0; o < want.ops.size(); ++o) {
        const write_op& a = got.ops[o];
        const write_op& b = want.ops[o];
        EXPECT_EQ(a.kind, b.kind);
        EXPECT_EQ(a.rev, b.rev);
        EXPECT_EQ(a.key, b.key);
        EXPECT_EQ(a.value, b.value);
        EXPECT_EQ(a.meta.mod_rev, b.rev);
        EXPECT_EQ(a.meta.expiry, b.kind == change_kind::put ? b.meta.expiry : 0);
        EXPECT_EQ(a.shard, ks_.shard_of(a.key));
      }
    }
  }
}

TEST_F(ReplicatedGroupTest, OnlyCommitsFromTheAskedRevisionAreFramed) {
  write_group g;
  add_commit(g, 5, {{change_kind::put, "a", "1", 0}});
  add_commit(g, 6, {{change_kind::del, "a", "", 0}});
  add_commit(g, 7, {{change_kind::put, "b", "2", 0}});
  auto commits = stream_of(g, 6);
  ASSERT_EQ(commits.size(), 2u);
  EXPECT_EQ(commits[0].rev, 6u);
  auto back = replicated_groups(ks_, 5, commits, lim_);
  ASSERT_TRUE(back);
  EXPECT_EQ((*back)[0]->last_rev(), 7u);
}

TEST_F(ReplicatedGroupTest, AGapOrARepeatIsCorruption) {
  write_group g;
  add_commit(g, 5, {{change_kind::put, "a", "1", 0}});
  add_commit(g, 6, {{change_kind::put, "b", "2", 0}});
  auto commits = stream_of(g);
  auto gap = replicated_groups(ks_, 3, commits, lim_);  // revision 4 is missing
  ASSERT_FALSE(gap);
  EXPECT_EQ(gap.error().code(), errc::corruption);
  EXPECT_NE(gap.error().message().find("revision 5"), std::string::npos) << gap.error().to_string();
  auto ahead = replicated_groups(ks_, 5, commits, lim_);  // 5 again
  ASSERT_FALSE(ahead);
  EXPECT_EQ(ahead.error().code(), errc::corruption);
  commits.push_back(commits.back());  // 6 twice
  auto repeat = replicated_groups(ks_, 4, commits, lim_);
  ASSERT_FALSE(repeat);
  EXPECT_EQ(repeat.error().code(), errc::corruption);
}

TEST_F(ReplicatedGroupTest, ADamagedPayloadIsCorruptionAtEveryCut) {
  write_group g;
  add_commit(g, 1, {{change_kind::put, "key", "value", 123}, {change_kind::del, "other", "", 0}});
  const auto whole = stream_of(g);
  ASSERT_TRUE(replicated_groups(ks_, 0, whole, lim_));
  for (size_t cut = 0; cut < whole[0].payload.size(); ++cut) {
    auto damaged = whole;
    damaged[0].payload.resize(cut);
    auto r = replicated_groups(ks_, 0, damaged, lim_);
    ASSERT_FALSE(r) << "a payload cut at " << cut << " decoded";
    EXPECT_EQ(r.error().code(), errc::corruption);
  }
  auto noise = whole;
  noise[0].payload = std::string(64, '\xff');
  EXPECT_FALSE(replicated_groups(ks_, 0, noise, lim_));
}

TEST_F(ReplicatedGroupTest, KeysAndValuesBeyondTheReplicasLimitsAreRefused) {
  write_group g;
  add_commit(g, 1, {{change_kind::put, std::string(11, 'k'), "v", 0}});
  add_commit(g, 2, {{change_kind::put, "k", std::string(101, 'v'), 0}});
  limits small;
  small.max_key_size = 10;
  small.max_value_size = 100;
  auto key = replicated_groups(ks_, 0, stream_of(g), small);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code(), errc::corruption);
  small.max_key_size = 11;
  auto value = replicated_groups(ks_, 0, stream_of(g), small);
  ASSERT_FALSE(value);
  EXPECT_NE(value.error().message().find("revision 2"), std::string::npos);
  small.max_value_size = 101;  // exactly at both limits
  EXPECT_TRUE(replicated_groups(ks_, 0, stream_of(g), small));
}

TEST_F(ReplicatedGroupTest, ACommitWithNoOpsIsRefused) {
  write_group g;
  add_commit(g, 1, {});
  auto r = replicated_groups(ks_, 0, stream_of(g), lim_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::corruption);
}

} // namespace
} // namespace moss
