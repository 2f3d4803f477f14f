// Tests of the txn and batch syntax: what each form parses to, and the
// messages malformed input gets.
#include <gtest/gtest.h>

#include "tools/moss/txn_parser.hpp"

namespace moss::shell {
namespace {

result<parsed_txn> parse(std::string_view args, bool batch = false) {
  auto t = tokenize(args, true);
  EXPECT_TRUE(t) << t.error().to_string();
  if (!t)
    return t.error();
  return batch ? parse_batch(*t) : parse_txn(*t);
}

std::string error_of(std::string_view args, bool batch = false) {
  auto p = parse(args, batch);
  EXPECT_FALSE(p) << "parsed: " << args;
  return p ? std::string{} : p.error().message();
}

TEST(ShellTxnParserTest, ParsesComparesAndBothBranches) {
  auto p = parse(R"(if value(k) = "v 1" and mod(k) > 3 then set k v2, del k3 else get k)");
  ASSERT_TRUE(p) << p.error().to_string();
  const txn_request& r = p->req;
  ASSERT_EQ(r.compares.size(), 2u);
  EXPECT_EQ(r.compares[0].target, compare_target::value);
  EXPECT_EQ(r.compares[0].op, compare_op::equal);
  EXPECT_EQ(r.compares[0].key, "k");
  EXPECT_EQ(r.compares[0].value, "v 1");
  EXPECT_EQ(r.compares[1].target, compare_target::mod_rev);
  EXPECT_EQ(r.compares[1].op, compare_op::greater);
  EXPECT_EQ(r.compares[1].number, 3);
  ASSERT_EQ(r.success.size(), 2u);
  EXPECT_EQ(r.success[0].kind, op_kind::put);
  EXPECT_EQ(r.success[0].value, "v2");
  EXPECT_EQ(r.success[1].kind, op_kind::del);
  EXPECT_EQ(r.success[1].key, "k3");
  ASSERT_EQ(r.failure.size(), 1u);
  EXPECT_EQ(r.failure[0].kind, op_kind::get);
}

TEST(ShellTxnParserTest, ParsesEveryCompareKindAndOperator) {
  auto p = parse("IF version(a) != 1 AND create(b) < 2 and exists(c) = 0 and exists(d) "
                 "and value(e) > m THEN get a");
  ASSERT_TRUE(p) << p.error().to_string();
  const auto& c = p->req.compares;
  ASSERT_EQ(c.size(), 5u);
  EXPECT_EQ(c[0].target, compare_target::version);
  EXPECT_EQ(c[0].op, compare_op::not_equal);
  EXPECT_EQ(c[1].target, compare_target::create_rev);
  EXPECT_EQ(c[1].op, compare_op::less);
  EXPECT_EQ(c[2].target, compare_target::exists);
  EXPECT_EQ(c[2].number, 0);
  EXPECT_EQ(c[3].target, compare_target::exists);  // exists(d) alone means = 1
  EXPECT_EQ(c[3].op, compare_op::equal);
  EXPECT_EQ(c[3].number, 1);
  EXPECT_EQ(c[4].target, compare_target::value);
  EXPECT_EQ(c[4].op, compare_op::greater);
}

TEST(ShellTxnParserTest, OpsWithoutCompares) {
  auto p = parse("set a 1 ttl 5m, delprefix p/, get a");
  ASSERT_TRUE(p) << p.error().to_string();
  ASSERT_EQ(p->req.success.size(), 3u);
  EXPECT_EQ(p->req.success[0].ttl, std::chrono::seconds{300});
  EXPECT_EQ(p->req.success[1].kind, op_kind::del_prefix);
  EXPECT_TRUE(p->req.compares.empty());
}

TEST(ShellTxnParserTest, KeywordsAreArgumentsWherePositionSaysSo) {
  auto p = parse(R"(if value(then) = else then set else then else set "else" ttl)");
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->req.compares[0].key, "then");
  EXPECT_EQ(p->req.compares[0].value, "else");
  EXPECT_EQ(p->req.success[0].key, "else");
  EXPECT_EQ(p->req.success[0].value, "then");
  EXPECT_EQ(p->req.failure[0].key, "else");
  EXPECT_EQ(p->req.failure[0].value, "ttl");
}

TEST(ShellTxnParserTest, EmptyBranchesAreAllowed) {
  auto p = parse("if exists(k) then else set k 1");
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_TRUE(p->req.success.empty());
  EXPECT_EQ(p->req.failure.size(), 1u);
}

TEST(ShellTxnParserTest, ANonPositiveTtlIsCarriedForTheStoreToRefuse) {
  auto p = parse("set a 1 ttl 0s");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->req.success[0].ttl, std::chrono::nanoseconds{0});
  auto plain = parse("set a 1");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->req.success[0].ttl);  // no TTL: it never expires
}

TEST(ShellTxnParserTest, MalformedInputGetsAHelpfulMessage) {
  EXPECT_EQ(error_of(""),
            "txn: expected 'if' or an op (set, del, get or delprefix); see 'help txn'");
  EXPECT_EQ(error_of("if valu(k) = 1 then get k"),
            "txn: unknown compare 'valu'; expected value, version, create, mod or exists; "
            "see 'help txn'");
  EXPECT_EQ(error_of("if value k = 1 then get k"),
            "txn: expected '(' after 'value', got 'k'; see 'help txn'");
  EXPECT_EQ(error_of("if value(k) == 1 then get k"),
            "txn: expected one of = != < > after 'value(...)', got '=='; see 'help txn'");
  EXPECT_EQ(error_of("if mod(k) > abc then get k"),
            "txn: mod(...) compares with a number: expected an integer, got abc; see 'help txn'");
  EXPECT_EQ(error_of("if exists(k) set k 1"),
            "txn: expected 'and' or 'then' after a compare, got 'set'; see 'help txn'");
  EXPECT_EQ(error_of("if exists(k) then put k 1"),
            "txn: expected an op (set, del, get or delprefix), got 'put'; see 'help txn'");
  EXPECT_EQ(error_of("set k"),
            "txn: expected a value after 'set k', got end of line; see 'help txn'");
  EXPECT_EQ(error_of("get a get b"), "txn: unexpected 'get'; see 'help txn'");
  EXPECT_EQ(error_of("get a else get b"), "txn: 'else' needs an 'if' before it; see 'help txn'");
  EXPECT_EQ(error_of("set a 1 ttl 5"),
            "txn: expected a duration such as 500ms, 10s, 5m or 1h, got 5; see 'help txn'");
}

TEST(ShellTxnParserTest, BatchTakesWritesOnly) {
  auto p = parse("set a 1, set b 2 ttl 10s, del c, delprefix d", true);
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->req.success.size(), 4u);
  EXPECT_EQ(error_of("", true), "batch: a batch needs at least one op; see 'help batch'");
  EXPECT_EQ(error_of("set a 1, get a", true),
            "batch: expected an op (set, del or delprefix), got 'get'; see 'help batch'");
  EXPECT_EQ(error_of("set a 1,", true),
            "batch: expected an op (set, del or delprefix), got end of line; see 'help batch'");
  EXPECT_EQ(error_of("if exists(a) then set a 1", true),
            "batch: expected an op (set, del or delprefix), got 'if'; see 'help batch'");
}

} // namespace
} // namespace moss::shell
