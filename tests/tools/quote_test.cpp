// Tests of output quoting: the bare-word rule, the escapes, and that every
// quoted string tokenizes back to the same bytes.
#include <gtest/gtest.h>

#include "tests/tools/test_seed.hpp"
#include "tools/moss/quote.hpp"
#include "tools/moss/token.hpp"

namespace moss::shell {
namespace {

TEST(ShellQuoteTest, PlainWordsPrintBare) {
  EXPECT_EQ(quote("abc"), "abc");
  EXPECT_EQ(quote("user/1:x=y"), "user/1:x=y");
  EXPECT_EQ(quote("-5"), "-5");
}

TEST(ShellQuoteTest, AmbiguousTextIsQuoted) {
  EXPECT_EQ(quote(""), R"("")");
  EXPECT_EQ(quote("a b"), R"("a b")");
  EXPECT_EQ(quote("(nil)"), R"x("(nil)")x");
  EXPECT_EQ(quote("a,b"), R"("a,b")");
  EXPECT_EQ(quote("it's"), R"("it's")");
  EXPECT_EQ(quote(R"(say "hi")"), R"("say \"hi\"")");
  EXPECT_EQ(quote(R"(a\b)"), R"("a\\b")");
}

TEST(ShellQuoteTest, NonPrintableBytesAreEscaped) {
  EXPECT_EQ(quote(std::string("\x00\xff", 2)), R"("\x00\xff")");
  EXPECT_EQ(quote("l1\nl2\r\t"), R"("l1\nl2\r\t")");
  EXPECT_EQ(quote("\x7f\x1b"), R"("\x7f\x1b")");
  EXPECT_EQ(quote("caf\xc3\xa9"), R"("caf\xc3\xa9")");
}

TEST(ShellQuoteTest, RandomBinaryStringsRoundTripThroughTheTokenizer) {
  auto seed = test_seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  for (int i = 0; i < 5000; ++i) {
    std::string s = random_bytes(rng, 24);
    std::string q = quote(s);
    for (bool punctuation : {false, true}) {
      auto t = tokenize("get " + q + " " + q, punctuation);
      ASSERT_TRUE(t) << q << ": " << t.error().to_string();
      ASSERT_EQ(t->size(), 3u) << q;
      EXPECT_EQ((*t)[1].text, s) << q;
      EXPECT_EQ((*t)[2].text, s) << q;
    }
  }
}

} // namespace
} // namespace moss::shell
