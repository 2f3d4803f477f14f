// The TTL deadline index: ordered by deadline, findable by key, against a model.
#include <map>
#include <random>

#include <gtest/gtest.h>

#include "core/deadline_index.hpp"

namespace moss {
namespace {

TEST(DeadlineIndexTest, SetReplaceEraseAndTakeDueInDeadlineOrder) {
  deadline_index idx;
  EXPECT_EQ(idx.earliest(), 0);
  idx.set("b", 20);
  idx.set("a", 10);
  idx.set("c", 30);
  EXPECT_EQ(idx.earliest(), 10);
  idx.set("a", 40);  // moves
  EXPECT_EQ(idx.earliest(), 20);
  EXPECT_EQ(idx.deadline_of("a"), 40);
  idx.erase("b");
  idx.erase("missing");
  idx.set("c", 0);  // 0 drops it
  EXPECT_EQ(idx.size(), 1u);
  auto due = idx.take_due(39, 10);
  EXPECT_TRUE(due.empty());
  due = idx.take_due(40, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0], (std::pair<std::string, int64_t>{"a", 40}));
  EXPECT_EQ(idx.size(), 0u);
}

TEST(DeadlineIndexTest, RandomOperationsMatchAModel) {
  std::mt19937_64 rng(11);
  deadline_index idx;
  std::map<std::string, int64_t> model;
  int64_t now = 0;
  for (int i = 0; i < 200'000; ++i) {
    std::string key = "k" + std::to_string(rng() % 5000);
    switch (rng() % 4) {
      case 0:
      case 1: {
        int64_t d = now + 1 + static_cast<int64_t>(rng() % 1000);
        idx.set(key, d);
        model[key] = d;
        break;
      }
      case 2:
        idx.erase(key);
        model.erase(key);
        break;
      default: {
        now += static_cast<int64_t>(rng() % 50);
        size_t max = rng() % 20 + 1;
        auto due = idx.take_due(now, max);
        int64_t last = 0;
        for (auto& [k, d] : due) {
          ASSERT_LE(d, now);
          ASSERT_GE(d, last);  // earliest first
          last = d;
          ASSERT_EQ(model.at(k), d);
          model.erase(k);
        }
        if (due.size() < max) {  // nothing due is left behind
          for (auto& [k, d] : model)
            ASSERT_GT(d, now) << k;
        }
      }
    }
    ASSERT_EQ(idx.size(), model.size());
  }
}

} // namespace
} // namespace moss
