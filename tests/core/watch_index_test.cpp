// The watcher index and the history, without actors: prefix edge cases,
// binary keys, half-open ranges, a randomized check against brute force, and
// the history's bounds.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "core/watch_history.hpp"
#include "core/watch_index.hpp"
#include "tests/core/watch_test_util.hpp"

using namespace std::string_literals;

namespace moss {
namespace {

std::vector<uint32_t> matches(const watch_index& idx, std::string_view key) {
  std::vector<uint32_t> out;
  idx.for_each_match(key, [&](uint32_t s) { out.push_back(s); });
  std::sort(out.begin(), out.end());
  return out;
}

using slots = std::vector<uint32_t>;

TEST(WatchIndexTest, ExactKeysMatchOnlyThemselves) {
  watch_index idx;
  idx.add(watch_request::for_key("foo"), 1);
  idx.add(watch_request::for_key("foo"), 2);
  idx.add(watch_request::for_key("bar"), 3);
  EXPECT_EQ(matches(idx, "foo"), (slots{1, 2}));
  EXPECT_EQ(matches(idx, "fo"), slots{});
  EXPECT_EQ(matches(idx, "foo/bar"), slots{});
  idx.remove(watch_request::for_key("foo"), 1);
  EXPECT_EQ(matches(idx, "foo"), (slots{2}));
  EXPECT_EQ(idx.size(), 2u);
}

TEST(WatchIndexTest, PrefixFooSeesFooAndFooBarButNotFo) {
  watch_index idx;
  idx.add(watch_request::for_prefix("foo"), 1);
  EXPECT_EQ(matches(idx, "foo"), (slots{1}));
  EXPECT_EQ(matches(idx, "foo/bar"), (slots{1}));
  EXPECT_EQ(matches(idx, "food"), (slots{1}));
  EXPECT_EQ(matches(idx, "fo"), slots{});
  EXPECT_EQ(matches(idx, "f"), slots{});
  EXPECT_EQ(matches(idx, "fop"), slots{});
  EXPECT_EQ(matches(idx, "fon"), slots{});
  EXPECT_EQ(matches(idx, "goo"), slots{});
}

TEST(WatchIndexTest, NestedAndSiblingPrefixesAreAllFound) {
  watch_index idx;
  idx.add(watch_request::for_prefix(""), 0);
  idx.add(watch_request::for_prefix("a"), 1);
  idx.add(watch_request::for_prefix("ab"), 2);
  idx.add(watch_request::for_prefix("abc"), 3);
  idx.add(watch_request::for_prefix("abd"), 4);
  idx.add(watch_request::for_prefix("ab/x"), 5);
  idx.add(watch_request::for_prefix("ac"), 6);
  EXPECT_EQ(matches(idx, "abcd"), (slots{0, 1, 2, 3}));
  EXPECT_EQ(matches(idx, "ab/y"), (slots{0, 1, 2}));  // ab/x sits between: the walk skips it
  EXPECT_EQ(matches(idx, "ab/x1"), (slots{0, 1, 2, 5}));
  EXPECT_EQ(matches(idx, "b"), (slots{0}));
  EXPECT_EQ(matches(idx, "acz"), (slots{0, 1, 6}));
}

TEST(WatchIndexTest, BinaryKeysMatchBytewise) {
  watch_index idx;
  idx.add(watch_request::for_prefix("a\0"s), 1);
  idx.add(watch_request::for_prefix("\xff"s), 2);
  idx.add(watch_request::for_prefix("\xff\xff"s), 3);
  idx.add(watch_request::for_key("\0"s), 4);
  EXPECT_EQ(matches(idx, "a\0b"s), (slots{1}));
  EXPECT_EQ(matches(idx, "a"s), slots{});
  EXPECT_EQ(matches(idx, "a\x01"s), slots{});
  EXPECT_EQ(matches(idx, "\xff"s), (slots{2}));
  EXPECT_EQ(matches(idx, "\xff\xff\x00"s), (slots{2, 3}));
  EXPECT_EQ(matches(idx, "\0"s), (slots{4}));
  EXPECT_EQ(matches(idx, "\0\0"s), slots{});
}

TEST(WatchIndexTest, RangesAreHalfOpenWithAnOptionalEnd) {
  watch_index idx;
  idx.add(watch_request::for_range("b", "d"), 1);
  idx.add(watch_request::for_range("c", ""), 2);
  idx.add(watch_request::for_range("", "b"), 3);
  EXPECT_EQ(matches(idx, "a"), (slots{3}));
  EXPECT_EQ(matches(idx, "b"), (slots{1}));
  EXPECT_EQ(matches(idx, "c"), (slots{1, 2}));
  EXPECT_EQ(matches(idx, "d"), (slots{2}));
  EXPECT_EQ(matches(idx, "\xff\xff"s), (slots{2}));
  idx.remove(watch_request::for_range("c", ""), 2);
  EXPECT_EQ(matches(idx, "d"), slots{});
}

TEST(WatchIndexTest, RandomizedMatchesAgreeWithBruteForce) {
  std::mt19937_64 rng(test::test_seed());
  const std::string alphabet = "ab\0\xff"s;
  auto random_key = [&](size_t min_len) {
    std::string k;
    size_t len = min_len + rng() % 4;
    for (size_t i = 0; i < len; ++i)
      k.push_back(alphabet[rng() % alphabet.size()]);
    return k;
  };
  watch_index idx;
  std::map<uint32_t, watch_request> live;
  for (uint32_t step = 0; step < 3000; ++step) {
    if (live.empty() || rng() % 3 != 0) {
      watch_request req;
      switch (rng() % 3) {
        case 0: req = watch_request::for_key(random_key(1)); break;
        case 1: req = watch_request::for_prefix(random_key(0)); break;
        default: {
          std::string a = random_key(0);
          std::string b = rng() % 4 == 0 ? std::string{} : random_key(1);
          if (!b.empty() && b <= a)
            std::swap(a, b);
          if (!b.empty() && a == b)
            b.push_back('a');
          req = watch_request::for_range(a, b);
        }
      }
      idx.add(req, step);
      live[step] = req;
    } else {
      auto it = std::next(live.begin(), static_cast<long>(rng() % live.size()));
      idx.remove(it->second, it->first);
      live.erase(it);
    }
    std::string key = random_key(1);
    slots expected;
    for (const auto& [s, req] : live)
      if (covers(req, key))
        expected.push_back(s);
    ASSERT_EQ(matches(idx, key), expected) << "step " << step;
  }
  EXPECT_EQ(idx.size(), live.size());
}

// -- history -------------------------------------------------------------------

TEST(WatchHistoryTest, KeepsTheNewestGroupsWithinItsBounds) {
  watch_history h(5, 1 << 20);
  EXPECT_EQ(h.oldest_rev(), 1u);
  test::group_builder b;
  for (revision r = 1; r <= 5; r += 2)
    h.push(b.commit(r, {test::put_op("k", "v")}).commit(r + 1, {test::put_op("k", "w")}).build());
  // 6 ops > 5: the first group (revisions 1-2) is gone.
  EXPECT_EQ(h.ops(), 4u);
  EXPECT_EQ(h.oldest_rev(), 3u);
  EXPECT_EQ(h.last_rev(), 6u);
  std::vector<revision> seen;
  h.for_each_commit_from(4, [&](revision r, const write_op*, uint32_t n) {
    seen.push_back(r);
    EXPECT_EQ(n, 1u);
    return true;
  });
  EXPECT_EQ(seen, (std::vector<revision>{4, 5, 6}));
}

TEST(WatchHistoryTest, ByteBoundDropsOldGroupsToo) {
  test::group_builder b;
  const size_t group_bytes =
    watch_history::bytes_of(*b.commit(1, {test::put_op("k", std::string(1000, 'x'))}).build());
  watch_history h(1000, 3 * group_bytes);
  for (revision r = 1; r <= 10; ++r)
    h.push(b.commit(r, {test::put_op("k", std::string(1000, 'x'))}).build());
  EXPECT_EQ(h.bytes(), 3 * group_bytes);
  EXPECT_EQ(h.oldest_rev(), 8u);
  EXPECT_EQ(h.last_rev(), 10u);
}

TEST(WatchHistoryTest, AGapMakesEverythingBeforeItUnavailable) {
  watch_history h(100, 1 << 20);
  test::group_builder b;
  h.push(b.commit(1, {test::put_op("a", "1")}).build());
  h.push(b.commit(5, {test::put_op("a", "2")}).build());
  EXPECT_EQ(h.oldest_rev(), 5u);
  h.reset(9);
  EXPECT_EQ(h.oldest_rev(), 10u);
  EXPECT_EQ(h.last_rev(), 9u);
  EXPECT_EQ(h.ops(), 0u);
}

} // namespace
} // namespace moss
