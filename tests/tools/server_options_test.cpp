// mossd's options: flags, a config file, and flags overriding the file.
#include <fstream>
#include <vector>

#include <gtest/gtest.h>

#include "tests/persistence/temp_dir.hpp"
#include "tools/mossd/server_options.hpp"

namespace moss::server {
namespace {

result<server_options> parse(std::vector<const char*> args) {
  return parse_server_options(std::span<const char* const>{args.data(), args.size()});
}

TEST(ServerOptionsTest, DefaultsAreLoopbackAndTheFixedPort) {
  auto o = parse({});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->host, "127.0.0.1");
  EXPECT_EQ(o->port, 7821);
  EXPECT_EQ(o->store.dir, "./moss-data");
  EXPECT_FALSE(o->tls());
}

TEST(ServerOptionsTest, FlagsOverrideTheConfigFile) {
  test::temp_dir dir;
  std::ofstream(dir.file("mossd.conf")) << "# a comment\n"
                                        << "dir = /var/lib/moss\n"
                                        << "port = 9000   # trailing comment\n"
                                        << "fsync = always\n"
                                        << "\n"
                                        << "engine = hash\n";
  std::string conf = dir.file("mossd.conf");
  auto o = parse({"--config", conf.c_str(), "--port", "9100"});
  ASSERT_TRUE(o) << o.error().to_string();
  EXPECT_EQ(o->store.dir, "/var/lib/moss");
  EXPECT_EQ(o->port, 9100);
  EXPECT_EQ(o->store.fsync, fsync_policy::always);
  EXPECT_EQ(o->store.engine, engine_kind::hash);
}

TEST(ServerOptionsTest, BadInputIsAClearError) {
  EXPECT_EQ(parse({"--port", "70000"}).error().message(), "bad port 70000");
  EXPECT_EQ(parse({"--fsync", "sometimes"}).code(), errc::invalid_argument);
  EXPECT_EQ(parse({"--tls-cert", "c.pem"}).error().message(), "--tls-cert needs --tls-key and --tls-ca");
  EXPECT_EQ(parse({"--bogus", "1"}).error().message(), "unknown option --bogus");
  EXPECT_EQ(parse({"--stats-interval", "-1"}).error().message(), "--stats-interval takes seconds, 0 to 86400");
  EXPECT_EQ(parse({"--stats-interval", "86401"}).code(), errc::invalid_argument);
  EXPECT_EQ(parse({"--stats-interval", "30"})->stats_interval_s, 30u);
  EXPECT_EQ(parse({})->stats_interval_s, 0u);
  EXPECT_EQ(parse({"--config", "/nonexistent/mossd.conf"}).code(), errc::invalid_argument);
  test::temp_dir dir;
  std::ofstream(dir.file("bad.conf")) << "port 9000\n";
  std::string conf = dir.file("bad.conf");
  EXPECT_NE(parse({"--config", conf.c_str()}).error().message().find("bad.conf:1: expected name = value"),
            std::string::npos);
}

TEST(ServerOptionsTest, ReplicaOfAndHistoryBytes) {
  auto o = parse({"--replica-of", "10.0.0.5:7821", "--history-bytes", "4096"});
  ASSERT_TRUE(o) << o.error().to_string();
  EXPECT_EQ(o->replica_host, "10.0.0.5");
  EXPECT_EQ(o->replica_port, 7821);
  EXPECT_EQ(o->store.replica_of, "10.0.0.5:7821");
  EXPECT_EQ(o->store.watch_history_bytes, 4096u);
  EXPECT_TRUE(parse({})->store.replica_of.empty());
  for (const char* bad : {"host", "host:", ":7821", "host:0", "host:65536", "host:12x", ""})
    EXPECT_EQ(parse({"--replica-of", bad}).error().message(), std::string{"--replica-of takes HOST:PORT, not "} + bad);
  EXPECT_EQ(parse({"--history-bytes", "0"}).error().message(), "--history-bytes takes a byte count, 1 to 2^40");
  EXPECT_TRUE(parse({"--history-bytes", "1099511627776"}));  // 2^40
  EXPECT_EQ(parse({"--history-bytes", "1099511627777"}).code(), errc::invalid_argument);
  test::temp_dir dir;
  std::ofstream(dir.file("replica.conf")) << "replica-of = primary.example:7900\nhistory-bytes = 1048576\n";
  std::string conf = dir.file("replica.conf");
  auto f = parse({"--config", conf.c_str()});
  ASSERT_TRUE(f) << f.error().to_string();
  EXPECT_EQ(f->replica_host, "primary.example");
  EXPECT_EQ(f->replica_port, 7900);
  EXPECT_EQ(f->store.watch_history_bytes, 1u << 20);
}

TEST(ServerOptionsTest, PlainTcpOnANonLoopbackHostNeedsInsecurePlaintext) {
  auto refused = parse({"--host", "0.0.0.0"});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("--insecure-plaintext"), std::string::npos);
  EXPECT_NE(refused.error().message().find("before any handshake"), std::string::npos);
  EXPECT_TRUE(parse({"--host", "127.0.0.2"}));
  EXPECT_TRUE(parse({"--host", "::1"}));
  EXPECT_TRUE(parse({"--host", "localhost"}));
  auto allowed = parse({"--host", "0.0.0.0", "--insecure-plaintext"});
  ASSERT_TRUE(allowed) << allowed.error().to_string();
  EXPECT_TRUE(allowed->insecure_plaintext);
  EXPECT_TRUE(parse({"--insecure-plaintext", "--host", "10.0.0.1"}));
  auto tls = parse({"--host", "0.0.0.0", "--tls-cert", "c", "--tls-key", "k", "--tls-ca", "a"});
  EXPECT_TRUE(tls) << tls.error().to_string();
  test::temp_dir dir;
  std::ofstream(dir.file("open.conf")) << "host = 0.0.0.0\ninsecure-plaintext = yes\n";
  std::string conf = dir.file("open.conf");
  auto from_file = parse({"--config", conf.c_str()});
  ASSERT_TRUE(from_file) << from_file.error().to_string();
  EXPECT_TRUE(from_file->insecure_plaintext);
}

} // namespace
} // namespace moss::server
