// Edge cases both engines must get right, including every case on which the
// Go original is wrong (prefix matching, keys that are prefixes of others,
// binary bytes, erasing inside a compressed path).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/hash_engine.hpp"
#include "engine/radix_tree.hpp"

using namespace std::string_literals;

namespace moss {
namespace {

template <class Engine>
class EngineEdgeTest : public ::testing::Test {
protected:
  void put(std::string_view key, std::string_view value = "v", revision rev = 1) {
    engine_.put(record::make(key, value, next_meta(engine_.find(key), rev, 0)));
  }
  std::vector<std::string> prefix(std::string_view p, size_t limit = 0) {
    std::vector<std::string> out;
    engine_.scan_prefix(p, limit, [&](const record& r) {
      out.emplace_back(r.key());
      return true;
    });
    return out;
  }
  std::vector<std::string> range(std::string_view from, std::string_view to, size_t limit = 0) {
    std::vector<std::string> out;
    engine_.scan_range(from, to, limit, [&](const record& r) {
      out.emplace_back(r.key());
      return true;
    });
    return out;
  }
  Engine engine_;
};

using engine_types = ::testing::Types<hash_engine, radix_tree>;
TYPED_TEST_SUITE(EngineEdgeTest, engine_types);

using keys = std::vector<std::string>;

TYPED_TEST(EngineEdgeTest, PrefixThatDivergesAfterSharedByteFindsNothing) {
  this->put("ab1");
  this->put("ac1");
  EXPECT_EQ(this->prefix("abX"), keys{});
  EXPECT_EQ(this->prefix("ab"), keys{"ab1"});
  EXPECT_EQ(this->prefix("a"), (keys{"ab1", "ac1"}));
}

TYPED_TEST(EngineEdgeTest, SingleKeyWithOtherPrefixFindsNothing) {
  this->put("a");
  EXPECT_EQ(this->prefix("b"), keys{});
}

TYPED_TEST(EngineEdgeTest, PrefixLongerThanOnlyKeyFindsNothing) {
  this->put("a");
  EXPECT_EQ(this->prefix("abcd"), keys{});
}

TYPED_TEST(EngineEdgeTest, KeyAndKeyWithTrailingNulAreDistinct) {
  this->put("a", "plain");
  this->put("a\0"s, "with-nul");
  ASSERT_EQ(this->engine_.size(), 2u);
  EXPECT_EQ(this->engine_.find("a")->value(), "plain");
  EXPECT_EQ(this->engine_.find("a\0"s)->value(), "with-nul");
  EXPECT_EQ(this->prefix("a"), (keys{"a", "a\0"s}));
  this->engine_.erase("a");
  EXPECT_EQ(this->engine_.find("a"), nullptr);
  EXPECT_NE(this->engine_.find("a\0"s), nullptr);
}

TYPED_TEST(EngineEdgeTest, PrefixEndingIn0xFFWorks) {
  for (auto k : {"a\xfe"s, "a\xff"s, "a\xff\x01"s, "a\xff\xff"s, "b"s})
    this->put(k);
  EXPECT_EQ(this->prefix("a\xff"), (keys{"a\xff", "a\xff\x01", "a\xff\xff"}));
  EXPECT_EQ(this->range("a\xff", ""), (keys{"a\xff", "a\xff\x01", "a\xff\xff", "b"}));
}

TYPED_TEST(EngineEdgeTest, ErasingMissingKeyDivergingInsideCompressedPathIsHarmless) {
  this->put("abcdefgh1");
  this->put("abcdefgh2");
  this->put("0123456789abcdef_1");  // a compressed path longer than the 8 stored bytes
  this->put("0123456789abcdef_2");
  EXPECT_EQ(this->engine_.erase("abXdefgh1"), nullptr);
  EXPECT_EQ(this->engine_.erase("0123456789abcdeX_1"), nullptr);
  EXPECT_EQ(this->engine_.erase("abc"), nullptr);
  EXPECT_EQ(this->engine_.erase("abcdefgh1-longer"), nullptr);
  EXPECT_EQ(this->engine_.erase(""), nullptr);
  EXPECT_EQ(this->engine_.size(), 4u);
  EXPECT_EQ(this->prefix("0123456789abcdeX"), keys{});
  EXPECT_EQ(this->prefix("0123456789abcdef"), (keys{"0123456789abcdef_1", "0123456789abcdef_2"}));
}

TYPED_TEST(EngineEdgeTest, EmptyPrefixScansEverythingInOrder) {
  for (auto k : {"b"s, "a"s, "ab"s, "\0"s, "\xff"s, "abc"s})
    this->put(k);
  EXPECT_EQ(this->prefix(""), (keys{"\0"s, "a", "ab", "abc", "b", "\xff"}));
}

TYPED_TEST(EngineEdgeTest, EmptyEngineScansAndErasesNothing) {
  EXPECT_EQ(this->prefix(""), keys{});
  EXPECT_EQ(this->range("", ""), keys{});
  EXPECT_EQ(this->engine_.erase("x"), nullptr);
  EXPECT_EQ(this->engine_.find("x"), nullptr);
}

TYPED_TEST(EngineEdgeTest, KeysThatArePrefixesOfEachOtherAllLive) {
  for (auto k : {"abc"s, "a"s, "abcd"s, "ab"s})
    this->put(k, k);
  EXPECT_EQ(this->prefix("ab"), (keys{"ab", "abc", "abcd"}));
  for (auto k : {"a"s, "ab"s, "abc"s, "abcd"s})
    EXPECT_EQ(this->engine_.find(k)->value(), k);
  EXPECT_EQ(this->engine_.find("abcde"), nullptr);
  this->engine_.erase("ab");
  this->engine_.erase("abcd");
  EXPECT_EQ(this->prefix(""), (keys{"a", "abc"}));
  EXPECT_EQ(this->engine_.find("abc")->value(), "abc");
}

TYPED_TEST(EngineEdgeTest, PutReportsReplacedRecordAndKeepsCreateRevision) {
  this->put("k", "one", 5);
  this->put("k", "two", 9);
  const record* r = this->engine_.find("k");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->value(), "two");
  EXPECT_EQ(r->meta(), (record_meta{5, 9, 2, 0}));
  record_ptr old = this->engine_.put(record::make("k", "three", {5, 10, 3, 77}));
  ASSERT_TRUE(old);
  EXPECT_EQ(old->value(), "two");
  EXPECT_EQ(this->engine_.find("k")->expiry(), 77);
  record_ptr gone = this->engine_.erase("k");
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->value(), "three");
  EXPECT_EQ(this->engine_.size(), 0u);
}

TYPED_TEST(EngineEdgeTest, RangeIsHalfOpenAndHonoursLimit) {
  for (auto k : {"a"s, "b"s, "ba"s, "bb"s, "c"s, "d"s})
    this->put(k);
  EXPECT_EQ(this->range("b", "c"), (keys{"b", "ba", "bb"}));
  EXPECT_EQ(this->range("b", "c", 2), (keys{"b", "ba"}));
  EXPECT_EQ(this->range("bab", "zz"), (keys{"bb", "c", "d"}));
  EXPECT_EQ(this->range("c", "b"), keys{});
  EXPECT_EQ(this->range("", ""), (keys{"a", "b", "ba", "bb", "c", "d"}));
  EXPECT_EQ(this->prefix("b", 1), keys{"b"});
}

TYPED_TEST(EngineEdgeTest, NodesGrowToFullFanOutAndShrinkBack) {
  std::vector<std::string> all;
  for (int b = 255; b >= 0; --b) {
    std::string k = "p" + std::string(1, static_cast<char>(b)) + "x";
    this->put(k);
    all.push_back(k);
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(this->prefix("p"), all);
  for (int b = 0; b < 256; b += 2)
    this->engine_.erase("p" + std::string(1, static_cast<char>(b)) + "x");
  keys odd;
  for (int b = 1; b < 256; b += 2)
    odd.push_back("p" + std::string(1, static_cast<char>(b)) + "x");
  EXPECT_EQ(this->prefix(""), odd);
  for (auto& k : odd)
    ASSERT_TRUE(this->engine_.erase(k)) << k;
  EXPECT_EQ(this->engine_.size(), 0u);
  EXPECT_EQ(this->prefix(""), keys{});
}

TYPED_TEST(EngineEdgeTest, ClearReleasesEverything) {
  for (int i = 0; i < 1000; ++i)
    this->put("key" + std::to_string(i), std::string(100, 'x'));
  size_t full = this->engine_.memory_usage();
  EXPECT_GT(full, 1000u * 100u);
  this->engine_.clear();
  EXPECT_EQ(this->engine_.size(), 0u);
  EXPECT_LT(this->engine_.memory_usage(), full / 10);
}

TEST(RadixTreeTest, MemoryAccountingReturnsToEmptyAfterErasingAll) {
  radix_tree tree;
  size_t empty = tree.memory_usage();
  for (int i = 0; i < 5000; ++i)
    tree.put(record::make("user/" + std::to_string(i * 7919), "v", {1, 1, 1, 0}));
  EXPECT_GT(tree.node_bytes(), 0u);
  for (int i = 0; i < 5000; ++i)
    ASSERT_TRUE(tree.erase("user/" + std::to_string(i * 7919)));
  EXPECT_EQ(tree.node_bytes(), 0u);
  EXPECT_EQ(tree.memory_usage(), empty);
}

TEST(RecordTest, PacksKeyValueAndMetadata) {
  std::string big(300, '\xff');
  record_ptr r = record::make("k\0ey"s, big, {1ull << 40, (1ull << 40) + 3, 300, -5});
  EXPECT_EQ(r->key(), "k\0ey"s);
  EXPECT_EQ(r->value(), big);
  EXPECT_EQ(r->meta(), (record_meta{1ull << 40, (1ull << 40) + 3, 300, -5}));
  EXPECT_TRUE(r->expired_at(-5));
  record_ptr plain = record::make("", "", {});
  EXPECT_EQ(plain->key(), "");
  EXPECT_EQ(plain->expiry(), 0);
  EXPECT_FALSE(plain->expired_at(1));
  EXPECT_GE(r->footprint(), 4u + 300u);
}

} // namespace
} // namespace moss
