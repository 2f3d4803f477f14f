// Tests of the shell tokenizer: bare words, both quote styles, escapes,
// punctuation, and the errors a malformed line gives.
#include <gtest/gtest.h>

#include "tools/moss/token.hpp"

namespace moss::shell {
namespace {

std::vector<std::string> texts(std::string_view line, bool punctuation = false) {
  auto t = tokenize(line, punctuation);
  EXPECT_TRUE(t) << t.error().to_string();
  std::vector<std::string> out;
  if (t)
    for (const token& x : *t)
      out.push_back(x.text);
  return out;
}

std::string error_of(std::string_view line, bool punctuation = false) {
  auto t = tokenize(line, punctuation);
  EXPECT_FALSE(t) << "tokenized: " << line;
  return t ? std::string{} : t.error().message();
}

using strings = std::vector<std::string>;

TEST(ShellTokenizerTest, SplitsBareWordsOnAnyWhitespace) {
  EXPECT_EQ(texts("  set\ta   1 \r"), (strings{"set", "a", "1"}));
  EXPECT_EQ(texts(""), strings{});
  EXPECT_EQ(texts("   "), strings{});
}

TEST(ShellTokenizerTest, DoubleQuotesKeepSpacesAndUnescape) {
  EXPECT_EQ(texts(R"(set "a b" "x\"y\\z\n\r\t")"), (strings{"set", "a b", "x\"y\\z\n\r\t"}));
  EXPECT_EQ(texts(R"("")"), strings{""});
}

TEST(ShellTokenizerTest, HexEscapesExpressNulAndHighBytes) {
  auto t = texts(R"("\x00\xff\x7F\xAb")");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0], std::string("\x00\xff\x7f\xab", 4));
}

TEST(ShellTokenizerTest, SingleQuotesAreRaw) {
  EXPECT_EQ(texts(R"('a \x00 "b"')"), strings{R"(a \x00 "b")"});
  EXPECT_EQ(texts("''"), strings{""});
}

TEST(ShellTokenizerTest, QuotedTokensAreMarkedSoKeywordsCanBeQuoted) {
  auto t = tokenize(R"(ttl "ttl" TTL)");
  ASSERT_TRUE(t);
  EXPECT_TRUE((*t)[0].is_keyword("ttl"));
  EXPECT_FALSE((*t)[1].is_keyword("ttl"));
  EXPECT_TRUE((*t)[2].is_keyword("ttl"));
  EXPECT_EQ((*t)[1].kind, token_kind::quoted);
  EXPECT_EQ((*t)[2].column, 11u);
}

TEST(ShellTokenizerTest, PunctuationSplitsOnlyWhenOn) {
  EXPECT_EQ(texts("a,b(c)"), strings{"a,b(c)"});
  EXPECT_EQ(texts("value(k) = 1, set a b", true),
            (strings{"value", "(", "k", ")", "=", "1", ",", "set", "a", "b"}));
  EXPECT_EQ(texts(R"x(set "a,b" "(x)",)x", true), (strings{"set", "a,b", "(x)", ","}));
  auto t = tokenize(",", true);
  ASSERT_TRUE(t);
  EXPECT_TRUE((*t)[0].is_punct(','));
}

TEST(ShellTokenizerTest, UnterminatedQuotesAreErrorsWithTheColumn) {
  EXPECT_EQ(error_of(R"(get "abc)"), "unterminated double quote at column 5");
  EXPECT_EQ(error_of("get 'abc"), "unterminated single quote at column 5");
  EXPECT_EQ(error_of(R"(get "abc\")"), "unterminated double quote at column 5");
}

TEST(ShellTokenizerTest, BadEscapesAreErrors) {
  EXPECT_NE(error_of(R"("\q")").find("unknown escape \\q"), std::string::npos);
  EXPECT_NE(error_of(R"("\x4")").find("\\x needs two hex digits"), std::string::npos);
  EXPECT_NE(error_of(R"("\xzz")").find("\\x needs two hex digits"), std::string::npos);
}

TEST(ShellTokenizerTest, QuotesGluedToWordsAreErrors) {
  EXPECT_NE(error_of(R"(abc"def")").find("quote inside a bare word"), std::string::npos);
  EXPECT_NE(error_of(R"("abc"def)").find("closing quote must be followed by a space"),
            std::string::npos);
  EXPECT_EQ(texts(R"("abc",)", true), (strings{"abc", ","}));
}

} // namespace
} // namespace moss::shell
