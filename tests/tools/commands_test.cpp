// Tests of each command's output and error text against a real in-memory store.
#include <chrono>

#include <map>
#include <thread>

#include "tests/tools/shell_fixture.hpp"
#include "tests/tools/test_seed.hpp"
#include "tools/moss/format.hpp"
#include "tools/moss/quote.hpp"
#include "tools/moss/token.hpp"

namespace moss::shell {
namespace {

using namespace std::chrono_literals;
using kind = outcome_kind;

TEST_F(ShellTest, GetSetDelExists) {
  EXPECT_EQ(ok("get a"), "(nil)\n");
  EXPECT_EQ(ok("set a 1"), "OK\n");
  EXPECT_EQ(ok("GET a"), "1\n");
  EXPECT_EQ(ok("exists a"), "1\n");
  EXPECT_EQ(ok("del a"), "1\n");
  EXPECT_EQ(ok("del a"), "0\n");
  EXPECT_EQ(ok("exists a"), "0\n");
}

TEST_F(ShellTest, BinaryKeysAndValuesPrintQuoted) {
  EXPECT_EQ(ok(R"(set "k\x00" "a b\xff")"), "OK\n");
  EXPECT_EQ(ok(R"(get "k\x00")"), "\"a b\\xff\"\n");
  EXPECT_EQ(ok(R"(set e "")"), "OK\n");
  EXPECT_EQ(ok("get e"), "\"\"\n");
  EXPECT_EQ(ok("set n '(nil)'"), "OK\n");
  EXPECT_EQ(ok("get n"), "\"(nil)\"\n");
  EXPECT_EQ(ok(R"(scan "")"), "e \"\"\n\"k\\x00\" \"a b\\xff\"\nn \"(nil)\"\n");
}

TEST_F(ShellTest, SetWithTtlExpiresOnTheStoreClock) {
  EXPECT_EQ(ok("set t v ttl 500ms"), "OK\n");
  clock_->advance(400ms);
  EXPECT_EQ(ok("get t"), "v\n");
  clock_->advance(200ms);
  EXPECT_EQ(ok("get t"), "(nil)\n");
}

TEST_F(ShellTest, NonPositiveTtlIsAStoreError) {
  EXPECT_EQ(fails("set t v ttl 0s", kind::store_error),
            "error: invalid_argument: a TTL must be positive, got 0 ns\n");
  EXPECT_EQ(fails("set t v ttl -1ms", kind::store_error),
            "error: invalid_argument: a TTL must be positive, got -1000000 ns\n");
  EXPECT_EQ(fails("set t v ttl 10", kind::usage_error),
            "error: usage: ttl: expected a duration such as 500ms, 10s, 5m or 1h, got 10\n");
}

TEST_F(ShellTest, StoreErrorsNameTheirCode) {
  EXPECT_EQ(fails(R"(get "")", kind::store_error),
            "error: invalid_argument: a key must not be empty\n");
  EXPECT_EQ(fails(R"(set "" v)", kind::store_error),
            "error: invalid_argument: a key must not be empty\n");
  EXPECT_EQ(fails("range b a", kind::store_error),
            "error: invalid_argument: a range scan needs from < to\n");
  ASSERT_TRUE(db_->close());
  EXPECT_EQ(fails("get a", kind::store_error), "error: closed: the store is closed\n");
}

TEST_F(ShellTest, WrongArgumentsPrintTheUsage) {
  EXPECT_EQ(fails("get", kind::usage_error), "error: usage: expected: get KEY\n");
  EXPECT_EQ(fails("get a b", kind::usage_error), "error: usage: expected: get KEY\n");
  EXPECT_EQ(fails("set a 1 ttl", kind::usage_error),
            "error: usage: expected: set KEY VALUE [ttl DURATION]\n");
  EXPECT_EQ(fails("set a 1 xyz 5s", kind::usage_error),
            "error: usage: expected: set KEY VALUE [ttl DURATION]\n");
  EXPECT_EQ(fails("scan a limit x", kind::usage_error),
            "error: usage: limit: expected a non-negative integer, got x\n");
  EXPECT_EQ(fails("scan a keys keys", kind::usage_error),
            "error: usage: expected: scan PREFIX [limit N] [keys]\n");
  EXPECT_EQ(fails("stats now", kind::usage_error), "error: usage: expected: stats\n");
  EXPECT_EQ(fails("frobnicate", kind::usage_error),
            "error: usage: unknown command 'frobnicate'; type 'help' for the list\n");
  EXPECT_EQ(fails(R"(get "a)", kind::usage_error),
            "error: syntax: unterminated double quote at column 5\n");
}

TEST_F(ShellTest, ScanAndRange) {
  ok("batch set app/a 1, set app/b 2, set app/c 3, set other x");
  EXPECT_EQ(ok("scan app/"), "app/a 1\napp/b 2\napp/c 3\n");
  EXPECT_EQ(ok("scan app/ limit 2"), "app/a 1\napp/b 2\n(more)\n");
  EXPECT_EQ(ok("scan app/ keys LIMIT 2"), "app/a\napp/b\n(more)\n");
  EXPECT_EQ(ok("scan app/ limit 0 keys"), "app/a\napp/b\napp/c\n");
  EXPECT_EQ(ok("scan nothing"), "");
  EXPECT_EQ(run("scan nothing", true).out, "(empty)\n");
  EXPECT_EQ(ok("range app/b other"), "app/b 2\napp/c 3\n");
  EXPECT_EQ(ok(R"(range app/c "")"), "app/c 3\nother x\n");
  EXPECT_EQ(ok(R"(range "" "" keys limit 1)"), "app/a\n(more)\n");
}

TEST_F(ShellTest, ScanOutputPastesBackAsInput) {
  ok(R"x(set "a key" "v,1\t(x)")x");
  std::string line = ok(R"(scan "")");
  line.pop_back();  // the newline
  auto t = tokenize("set " + line);
  ASSERT_TRUE(t) << line;
  ASSERT_EQ(t->size(), 3u);
  EXPECT_EQ((*t)[1].text, "a key");
  EXPECT_EQ((*t)[2].text, "v,1\t(x)");
}

TEST_F(ShellTest, RandomBinaryEntriesRoundTripThroughTheShell) {
  auto seed = test_seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::map<std::string, std::string> model;
  for (int i = 0; i < 200; ++i) {
    std::string key = random_bytes(rng, 12) + "k";  // keys must not be empty
    std::string value = random_bytes(rng, 16);
    model[key] = value;
    ASSERT_EQ(ok("set " + quote(key) + " " + quote(value)), "OK\n");
    ASSERT_EQ(ok("get " + quote(key)), quote(value) + "\n");
  }
  // Every line of a full scan reads back as the key and value it shows.
  std::istringstream lines{ok(R"(scan "")")};
  auto it = model.begin();
  for (std::string line; std::getline(lines, line); ++it) {
    ASSERT_NE(it, model.end());
    auto t = tokenize(line);
    ASSERT_TRUE(t) << line;
    ASSERT_EQ(t->size(), 2u) << line;
    EXPECT_EQ((*t)[0].text, it->first);
    EXPECT_EQ((*t)[1].text, it->second);
  }
  EXPECT_EQ(it, model.end());
}

TEST_F(ShellTest, TxnRunsTheSuccessBranch) {
  ok("set k v1");  // rev 1
  ok("set k2 x");  // rev 2
  EXPECT_EQ(ok("txn if value(k) = v1 and mod(k) < 2 and exists(k) then set k v2, del k2, "
               "get k, delprefix nope else get k"),
            "success rev 3\nset k OK\ndel k2 1\nget k v2\ndelprefix nope 0\n");
  EXPECT_EQ(ok("get k"), "v2\n");
}

TEST_F(ShellTest, TxnRunsTheFailureBranch) {
  ok("set k v1");
  EXPECT_EQ(ok("txn if value(k) != v1 then set k no else get k, get missing"),
            "failure rev 1\nget k v1\nget missing (nil)\n");
  EXPECT_EQ(ok("txn if version(k) > 1 then set k no"), "failure rev 1\n");
  EXPECT_EQ(ok("txn if create(k) = 1 and exists(nope) = 0 then get k"),
            "success rev 1\nget k v1\n");
  EXPECT_EQ(ok("get k"), "v1\n");
  EXPECT_EQ(ok("stats").find("conflicts 2\n") != std::string::npos, true);
}

TEST_F(ShellTest, TxnErrorsAreUsageOrStoreErrors) {
  EXPECT_EQ(ok("txn if value(k) = 1 then"), "failure rev 0\n");  // empty branches are fine
  EXPECT_EQ(fails("txn if value(k) then get k", kind::usage_error),
            "error: usage: txn: expected one of = != < > after 'value(...)', got 'then'; "
            "see 'help txn'\n");
  EXPECT_EQ(fails("txn set k v ttl 0s", kind::store_error),
            "error: invalid_argument: a TTL must be positive, got 0 ns\n");
  EXPECT_EQ(fails(R"(txn set "" v)", kind::store_error),
            "error: invalid_argument: a key must not be empty\n");
}

TEST_F(ShellTest, BatchCommitsAtomically) {
  ok("set c old");
  EXPECT_EQ(ok("batch set a 1, set b 2 ttl 10s, del c"), "OK rev 2\n");
  EXPECT_EQ(ok(R"(scan "")"), "a 1\nb 2\n");
  // One bad op fails the whole batch: nothing of it is visible.
  EXPECT_EQ(fails(R"(batch set x 1, set "" 2, del a)", kind::store_error),
            "error: invalid_argument: a key must not be empty\n");
  EXPECT_EQ(ok(R"(scan "")"), "a 1\nb 2\n");
  EXPECT_EQ(ok("batch delprefix a, set \"x,y\" 3"), "OK rev 3\n");
  EXPECT_EQ(ok(R"(scan "" keys)"), "b\n\"x,y\"\n");
  clock_->advance(11s);
  EXPECT_EQ(ok(R"(scan "" keys)"), "\"x,y\"\n");
}

TEST_F(ShellTest, StatsPrintsEveryCounter) {
  ok("set a 1");
  std::string s = ok("stats");
  for (const char* name : {"keys 1\n", "revision 1\n", "memory_bytes ", "shards 2\n",
                           "commits 1\n", "groups ", "conflicts 0\n"})
    EXPECT_NE(s.find(name), std::string::npos) << name << " in\n" << s;
}

TEST_F(ShellTest, WatchReplaysFromARevisionAndPrintsEachChange) {
  ok("set a 1");
  ok("set a 2 ttl 1s");
  ok(R"(set "b\x00" x)");
  ok("del a");
  ok("set other 1");
  EXPECT_EQ(ok("watch a from 1 prev count 3"), "1 create a 1\n2 update a 2 prev 1\n4 del a prev 2\n");
  EXPECT_EQ(ok("watch prefix b from 1 count 1"), "3 create \"b\\x00\" x\n");
  EXPECT_EQ(ok("watch range a c from 2 count 2"), "2 update a 2\n3 create \"b\\x00\" x\n");
  ok("set gone 1 ttl 1s");
  clock_->advance(2s);
  std::string expired = ok("watch gone from 6 count 2");
  EXPECT_EQ(expired, "6 create gone 1\n7 expire gone\n");
}

TEST_F(ShellTest, WatchSeesWritesFromAnotherThreadAsTheyHappen) {
  std::thread writer([&] {
    // Until the watch has printed, keep writing (the watch may start late).
    for (int i = 0; i < 2000 && db_->stats().value().watchers == 0; ++i)
      std::this_thread::sleep_for(1ms);
    ASSERT_TRUE(db_->set("live/k", "v"));
  });
  EXPECT_EQ(ok("watch prefix live/ count 1"), "1 create live/k v\n");
  writer.join();
}

TEST_F(ShellTest, WatchErrors) {
  EXPECT_EQ(fails("watch", kind::usage_error).substr(0, 28), "error: usage: expected: watc");
  EXPECT_EQ(fails("watch range a", kind::usage_error).substr(0, 28), "error: usage: expected: watc");
  EXPECT_EQ(fails("watch a count x", kind::usage_error).substr(0, 20), "error: usage: count:");
  EXPECT_EQ(fails("watch a from", kind::usage_error), "error: usage: expected a revision after 'from'\n");
  EXPECT_EQ(fails("watch \"\"", kind::store_error).substr(0, 24), "error: invalid_argument:");
}

TEST_F(ShellTest, HelpListsAndExplainsCommands) {
  std::string all = ok("help");
  for (const char* c : {"get KEY", "set KEY VALUE [ttl DURATION]", "del KEY", "exists KEY",
                        "scan PREFIX", "range FROM TO", "txn [if", "batch OP", "watch KEY", "stats", "quit"})
    EXPECT_NE(all.find(c), std::string::npos) << c;
  EXPECT_EQ(ok("help GET"), "get KEY\n  print the value under KEY, or (nil)\n");
  EXPECT_NE(ok("help txn").find("Example: txn if"), std::string::npos);
  EXPECT_EQ(fails("help nope", kind::usage_error),
            "error: usage: no command 'nope'; type 'help' for the list\n");
}

TEST_F(ShellTest, QuitAndBlankLines) {
  EXPECT_EQ(run("quit").kind, kind::quit);
  EXPECT_EQ(run("EXIT").kind, kind::quit);
  EXPECT_EQ(fails("quit now", kind::usage_error), "error: usage: expected: quit\n");
  EXPECT_EQ(ok("   "), "");
  EXPECT_EQ(ok("  # a comment with \"unbalanced quotes"), "");
}

TEST(StatsFormatTest, ReplicationFieldsPrintOnlyWhereTheyApply) {
  store_stats primary;
  primary.rev = 42;
  primary.replicas.push_back({"127.0.0.1:7000", 40, 2, 15, false});
  primary.replicas.push_back({"10.0.0.9:7821", 0, 42, 900, true});
  std::ostringstream out;
  print_stats(out, primary);
  EXPECT_EQ(out.str().find("replica_of"), std::string::npos);
  EXPECT_NE(out.str().find("replicas 2\n"
                           "replica 127.0.0.1:7000 applied 40 lag_revisions 2 lag_ms 15\n"
                           "replica 10.0.0.9:7821 applied 0 lag_revisions 42 lag_ms 900 syncing\n"),
            std::string::npos)
    << out.str();
  store_stats replica;
  replica.replica_of = "10.0.0.1:7821";
  replica.replica_connected = true;
  replica.primary_rev = 50;
  replica.replica_lag_revs = 8;
  replica.replica_lag_ms = 120;
  replica.full_syncs = 1;
  std::ostringstream r;
  print_stats(r, replica);
  EXPECT_NE(r.str().find("replica_of 10.0.0.1:7821\nreplica_connected yes\nprimary_revision 50\n"
                         "replica_lag_revisions 8\nreplica_lag_ms 120\nfull_syncs 1\nreplicas 0\n"),
            std::string::npos)
    << r.str();
}

} // namespace
} // namespace moss::shell
