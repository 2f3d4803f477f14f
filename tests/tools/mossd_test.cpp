// mossd across two processes on loopback: a CAF node obtains the published
// store and requests it directly; a node stopped with SIGTERM keeps what it
// acknowledged; a node that dies gives later requests an error within a
// bounded time instead of a hang.
#include <csignal>
#include <cstdio>
#include <optional>
#include <sys/wait.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/remote_actor.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/remote_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <gtest/gtest.h>

#include "actors/spawn_store.hpp"
#include "messages/errors.hpp"
#include "tests/persistence/temp_dir.hpp"

using namespace std::chrono_literals;

namespace moss {
namespace {

struct node {
  pid_t pid = -1;
  uint16_t port = 0;
};

// Starts mossd on `dir` with a free port (and `extra` flags) and reads the port it prints.
node start_mossd(const std::string& dir, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"mossd", "--dir", dir, "--port", "0", "--fsync", "always"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  int fds[2];
  if (::pipe(fds) != 0)
    return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execv(MOSSD_PATH, argv.data());
    _exit(127);
  }
  ::close(fds[1]);
  FILE* out = ::fdopen(fds[0], "r");
  char line[128] = {0};
  unsigned port = 0;
  if (std::fgets(line, sizeof line, out) == nullptr || std::sscanf(line, "listening 127.0.0.1:%u", &port) != 1)
    port = 0;
  std::fclose(out);
  return {pid, static_cast<uint16_t>(port)};
}

int stop(node& n, int sig) {
  ::kill(n.pid, sig);
  int wstatus = 0;
  ::waitpid(n.pid, &wstatus, 0);
  n.pid = -1;
  return wstatus;
}

class MossdTest : public ::testing::Test {
protected:
  MossdTest() {
    cfg_.load<caf::io::middleman>();
    add_moss_types(cfg_);
    sys_.emplace(cfg_);
  }
  ~MossdTest() override {
    if (node_.pid > 0)
      stop(node_, SIGKILL);
  }
  store_actor connect() {
    auto store = caf::io::remote_actor<store_actor>(*sys_, "127.0.0.1", node_.port);
    EXPECT_TRUE(store) << sys_->render(store.error());
    return store ? *store : store_actor{};
  }
  // A blocking request with a deadline; the outcome as a result.
  template <class T, class... Ts>
  result<T> ask(const store_actor& store, Ts... xs) {
    caf::scoped_actor self{*sys_};
    std::optional<result<T>> out;
    self->request(store, 3s, xs...).receive([&](T& x) { out.emplace(std::move(x)); },
                                            [&](caf::error& err) { out.emplace(to_status(err)); });
    return std::move(*out);
  }

  test::temp_dir dir_;
  caf::actor_system_config cfg_;
  std::optional<caf::actor_system> sys_;
  node node_;
};

TEST_F(MossdTest, ARemoteNodeRequestsThePublishedStore) {
  node_ = start_mossd(dir_.path());
  ASSERT_GT(node_.port, 0);
  store_actor store = connect();
  txn_request put;
  put.success = {txn_op::put("app/a", "1"), txn_op::put("app/b", "2")};
  auto committed = ask<txn_result>(store, txn_atom_v, put);
  ASSERT_TRUE(committed) << committed.error().to_string();
  EXPECT_EQ(committed->rev, 1u);
  auto got = ask<lookup_result>(store, get_atom_v, std::string{"app/a"});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->entry.value, "1");
  auto scan = ask<scan_result>(store, scan_atom_v, scan_request::prefix("app/"));
  ASSERT_TRUE(scan);
  EXPECT_EQ(scan->entries.size(), 2u);
  auto bad = ask<lookup_result>(store, get_atom_v, std::string{});
  EXPECT_EQ(bad.code(), errc::invalid_argument);  // the error crosses the network intact

  // SIGTERM: a clean stop; the restarted node has everything.
  int wstatus = stop(node_, SIGTERM);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
  node_ = start_mossd(dir_.path());
  ASSERT_GT(node_.port, 0);
  store = connect();
  got = ask<lookup_result>(store, get_atom_v, std::string{"app/b"});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->entry.value, "2");
}

TEST_F(MossdTest, ANodeThatDiesGivesAnErrorNotAHang) {
  node_ = start_mossd(dir_.path());
  ASSERT_GT(node_.port, 0);
  store_actor store = connect();
  ASSERT_TRUE(ask<txn_result>(store, txn_atom_v, txn_request::of(txn_op::put("k", "v"))));
  stop(node_, SIGKILL);
  auto start = std::chrono::steady_clock::now();
  auto after = ask<lookup_result>(store, get_atom_v, std::string{"k"});
  EXPECT_FALSE(after);
  EXPECT_TRUE(after.code() == errc::unreachable || after.code() == errc::timeout) << after.error().to_string();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST(MossdTlsTest, TlsPeersAreServedAndPlainPeersRefused) {
  test::temp_dir dir;
  // A throwaway self-signed certificate, its own CA.
  std::string make_cert = "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + dir.file("key.pem")
                          + " -out " + dir.file("cert.pem") + " -days 2 -subj /CN=localhost 2>/dev/null";
  ASSERT_EQ(std::system(make_cert.c_str()), 0);
  node n = start_mossd(dir.file("store"), {"--tls-cert", dir.file("cert.pem"), "--tls-key",
                                           dir.file("key.pem"), "--tls-ca", dir.file("cert.pem")});
  ASSERT_GT(n.port, 0);
  {
    caf::actor_system_config cfg;
    cfg.load<caf::io::middleman>();
    cfg.load<caf::openssl::manager>();
    cfg.openssl_certificate = dir.file("cert.pem");
    cfg.openssl_key = dir.file("key.pem");
    cfg.openssl_cafile = dir.file("cert.pem");
    add_moss_types(cfg);
    caf::actor_system sys{cfg};
    auto store = caf::openssl::remote_actor<store_actor>(sys, "127.0.0.1", n.port);
    ASSERT_TRUE(store) << sys.render(store.error());
    caf::scoped_actor self{sys};
    bool committed = false;
    self->request(*store, 3s, txn_atom_v, txn_request::of(txn_op::put("k", "v")))
      .receive([&](const txn_result&) { committed = true; }, [](caf::error&) {});
    EXPECT_TRUE(committed);
  }
  {
    caf::actor_system_config cfg;
    cfg.load<caf::io::middleman>();
    add_moss_types(cfg);
    caf::actor_system sys{cfg};
    auto start = std::chrono::steady_clock::now();
    auto plain = caf::io::remote_actor<store_actor>(sys, "127.0.0.1", n.port);
    EXPECT_FALSE(plain) << "a plain peer was accepted";
    EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
  }
  stop(n, SIGTERM);
}

} // namespace
} // namespace moss
