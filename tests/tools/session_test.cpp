// Tests of script mode (-c and stdin): exit codes, stopping at the first
// failing command, line numbers in errors; and of the command line itself.
#include <sstream>

#include "tests/tools/shell_fixture.hpp"
#include "tools/moss/cli.hpp"

namespace moss::shell {
namespace {

class ShellSessionTest : public ShellTest {
protected:
  int run_script(std::string_view text) {
    std::istringstream in{std::string{text}};
    session s{*db_, out_, err_, false};
    return s.run_lines(in);
  }
  int run_commands(std::vector<std::string> commands) {
    session s{*db_, out_, err_, false};
    return s.run_commands(commands);
  }
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(ShellSessionTest, CommandsThatAllSucceedExitZero) {
  EXPECT_EQ(run_commands({"set a 1", "get a", "get b"}), 0);
  EXPECT_EQ(out_.str(), "OK\n1\n(nil)\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(ShellSessionTest, UsageErrorExitsTwoAndStops) {
  EXPECT_EQ(run_commands({"set a 1", "get", "set b 2"}), 2);
  EXPECT_EQ(out_.str(), "OK\n");
  EXPECT_EQ(err_.str(), "error: usage: expected: get KEY\n");
  EXPECT_EQ(ok("exists b"), "0\n");
}

TEST_F(ShellSessionTest, StoreErrorExitsOneAndStops) {
  EXPECT_EQ(run_commands({"set a 1 ttl 0s", "set b 2"}), 1);
  EXPECT_EQ(err_.str(), "error: invalid_argument: a TTL must be positive, got 0 ns\n");
  EXPECT_EQ(ok("exists b"), "0\n");
}

TEST_F(ShellSessionTest, QuitStopsWithoutError) {
  EXPECT_EQ(run_commands({"set a 1", "quit", "get"}), 0);
  EXPECT_EQ(out_.str(), "OK\n");
}

TEST_F(ShellSessionTest, StdinLinesSkipCommentsAndNameTheFailingLine) {
  EXPECT_EQ(run_script("# setup\nset a 1\n\nget a\r\nbogus\nset b 2\n"), 2);
  EXPECT_EQ(out_.str(), "OK\n1\n");
  EXPECT_EQ(err_.str(), "error: usage: unknown command 'bogus'; type 'help' for the list "
                        "(line 5)\n");
  EXPECT_EQ(ok("exists b"), "0\n");
}

TEST_F(ShellSessionTest, StdinWithoutTrailingNewlineRunsTheLastLine) {
  EXPECT_EQ(run_script("set a 1\nget a"), 0);
  EXPECT_EQ(out_.str(), "OK\n1\n");
}

TEST_F(ShellSessionTest, StdinStoreErrorExitsOne) {
  EXPECT_EQ(run_script("get a\nrange z a\nget a\n"), 1);
  EXPECT_EQ(out_.str(), "(nil)\n");
  EXPECT_EQ(err_.str(), "error: invalid_argument: a range scan needs from < to (line 2)\n");
}

std::vector<const char*> argv_of(std::initializer_list<const char*> args) {
  return std::vector<const char*>(args);
}

TEST(ShellCliTest, ParsesDirAndRepeatedCommands) {
  auto a = argv_of({"data", "-c", "set a 1", "-c", "get a"});
  auto cfg = parse_cli(a);
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg->dir, "data");
  EXPECT_EQ(cfg->commands, (std::vector<std::string>{"set a 1", "get a"}));
  EXPECT_FALSE(cfg->help);

  auto d = parse_cli({});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->dir, "./moss-data");
  EXPECT_TRUE(d->commands.empty());
}

TEST(ShellCliTest, HelpAndDashDash) {
  auto h = argv_of({"--help"});
  EXPECT_TRUE(parse_cli(h)->help);
  auto dd = argv_of({"--", "-odd-dir"});
  EXPECT_EQ(parse_cli(dd)->dir, "-odd-dir");
  EXPECT_NE(usage_text().find("usage: moss [DIR] [--fsync POLICY] [--engine KIND] [-c COMMAND]..."),
            std::string::npos);
  EXPECT_TRUE(parse_cli(argv_of({"--version"}))->version);
}

TEST(ShellCliTest, FsyncAndEngineReachTheStoreOptions) {
  auto cfg = parse_cli(argv_of({"d", "--fsync", "always", "--engine", "hash"}));
  ASSERT_TRUE(cfg);
  moss::options opts = store_options(*cfg);
  EXPECT_EQ(opts.dir, "d");
  EXPECT_EQ(opts.fsync, fsync_policy::always);
  EXPECT_EQ(opts.engine, engine_kind::hash);
  EXPECT_TRUE(opts.log);  // the shell prints what the store reports
  for (const char* p : {"always", "every_second", "never"})
    EXPECT_EQ(to_string(*parse_cli(argv_of({"--fsync", p}))->fsync), p);
  moss::options plain = store_options(*parse_cli(argv_of({})));
  EXPECT_EQ(plain.fsync, moss::options{}.fsync);
  EXPECT_EQ(plain.engine, moss::options{}.engine);
  EXPECT_EQ(parse_cli(argv_of({"--fsync", "sometimes"})).error().message(),
            "--fsync takes always, every_second or never");
  EXPECT_EQ(parse_cli(argv_of({"--engine", "btree"})).error().message(), "--engine takes hash or radix");
  EXPECT_EQ(parse_cli(argv_of({"--fsync"})).error().message(), "--fsync needs a value");
  EXPECT_EQ(parse_cli(argv_of({"--connect", "h:1", "--engine", "hash"})).code(), errc::invalid_argument);
}

TEST(ShellCliTest, BadArgumentsAreErrors) {
  auto missing = argv_of({"-c"});
  EXPECT_EQ(parse_cli(missing).error().message(), "-c needs a command");
  auto unknown = argv_of({"-x"});
  EXPECT_EQ(parse_cli(unknown).error().message(), "unknown option -x");
  auto two = argv_of({"a", "b"});
  EXPECT_EQ(parse_cli(two).error().message(), "more than one DIR: a and b");
}

TEST(ShellCliTest, BannerNamesTheStoreDirectoryOrTheNode) {
  EXPECT_NE(banner_text(cli_config{}).find("Store: ./moss-data"), std::string::npos);
  auto a = argv_of({"--connect", "127.0.0.1:7821"});
  EXPECT_NE(banner_text(*parse_cli(a)).find("Node: 127.0.0.1:7821"), std::string::npos);
}

TEST(ShellCliTest, ConnectTakesHostPortAndItsOwnOptions) {
  auto a = argv_of({"--connect", "db.local:7821", "--timeout", "250ms", "-c", "get a"});
  auto cfg = parse_cli(a);
  ASSERT_TRUE(cfg) << cfg.error().to_string();
  EXPECT_TRUE(cfg->remote_store());
  EXPECT_EQ(cfg->host, "db.local");
  EXPECT_EQ(cfg->port, 7821);
  EXPECT_EQ(cfg->remote.timeout, std::chrono::milliseconds{250});
  auto v6 = parse_endpoint("[::1]:9");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->first, "::1");
  EXPECT_EQ(v6->second, 9);
  for (const char* bad : {"host", ":7821", "host:", "host:0", "host:65536", "host:7x"})
    EXPECT_EQ(parse_endpoint(bad).code(), errc::invalid_argument) << bad;
  auto with_dir = argv_of({"data", "--connect", "h:1"});
  EXPECT_FALSE(parse_cli(with_dir));
  auto tls_alone = argv_of({"--tls-ca", "ca.pem"});
  EXPECT_FALSE(parse_cli(tls_alone));
  auto no_value = argv_of({"--connect"});
  EXPECT_EQ(parse_cli(no_value).error().message(), "--connect needs a value");
  auto min_rev = argv_of({"--connect", "h:1", "--min-rev", "1234"});
  EXPECT_EQ(parse_cli(min_rev)->remote.min_rev, 1234u);
  for (const char* bad : {"0", "-1", "x", "12x", ""}) {
    auto a = argv_of({"--connect", "h:1", "--min-rev", bad});
    EXPECT_EQ(parse_cli(a).error().message(), "--min-rev needs a revision (a positive number)") << bad;
  }
  auto min_rev_alone = argv_of({"--min-rev", "5"});
  EXPECT_EQ(parse_cli(min_rev_alone).error().message(), "--timeout, --min-rev and --tls-* go with --connect");
}

} // namespace
} // namespace moss::shell
