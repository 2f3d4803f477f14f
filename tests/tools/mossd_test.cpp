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

#include <moss/messages/errors.hpp>

#include "actors/session.hpp"
#include "actors/spawn_store.hpp"
#include "tests/persistence/temp_dir.hpp"
#include "tests/tools/mossd_process.hpp"

using namespace std::chrono_literals;

namespace moss {
namespace {

class MossdTest : public ::testing::Test {
protected:
  MossdTest() {
    cfg_.load<caf::io::middleman>();
    add_moss_types(cfg_);
    sys_.emplace(cfg_);
  }
  ~MossdTest() override {
    for (auto& a : anchors_)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }
  // The published gateway, then a session of this node's own.
  store_actor connect() {
    auto gateway = caf::io::remote_actor<gateway_actor>(*sys_, "127.0.0.1", node_.port);
    EXPECT_TRUE(gateway) << sys_->render(gateway.error());
    if (!gateway)
      return {};
    anchors_.push_back(spawn_anchor(*sys_));
    auto session = open_session(*sys_, *gateway, anchors_.back(), 3s);
    EXPECT_TRUE(session) << session.error().to_string();
    return session ? *session : store_actor{};
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
  std::vector<caf::actor> anchors_;
  caf::actor_system_config cfg_;
  std::optional<caf::actor_system> sys_;
  test::mossd_process node_;
};

TEST_F(MossdTest, ARemoteNodeRequestsThePublishedStore) {
  node_ = test::mossd_process::start(dir_.path());
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
  int wstatus = node_.stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
  node_ = test::mossd_process::start(dir_.path());
  ASSERT_GT(node_.port, 0);
  store = connect();
  got = ask<lookup_result>(store, get_atom_v, std::string{"app/b"});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->entry.value, "2");
}

TEST_F(MossdTest, ACallBatchIsAnsweredInOrderAndReadsSeeTheWritesBeforeThem) {
  node_ = test::mossd_process::start(dir_.path());
  ASSERT_GT(node_.port, 0);
  store_actor store = connect();
  call_batch b;
  b.calls.push_back({call_kind::get, "k", {}});
  b.calls.push_back({call_kind::txn, {}, txn_request::of(txn_op::put("k", "v"))});
  b.calls.push_back({call_kind::get, "k", {}});
  b.calls.push_back({call_kind::exists, "k", {}});
  b.calls.push_back({call_kind::txn, {}, txn_request::of(txn_op::put("", "v"))});
  b.calls.push_back({call_kind::get, "", {}});
  auto r = ask<call_batch_answer>(store, call_atom_v, b);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->answers.size(), 6u);
  EXPECT_FALSE(r->answers[0].lookup.found);  // before the write
  EXPECT_EQ(r->answers[1].code, errc::ok);
  EXPECT_EQ(r->answers[1].txn.rev, 1u);
  EXPECT_TRUE(r->answers[2].lookup.found);  // after it
  EXPECT_EQ(r->answers[2].lookup.entry.value, "v");
  EXPECT_TRUE(r->answers[3].exists);
  EXPECT_EQ(r->answers[4].code, errc::invalid_argument);
  EXPECT_EQ(r->answers[5].code, errc::invalid_argument);
  EXPECT_FALSE(r->answers[5].message.empty());
}

TEST_F(MossdTest, ANodeThatDiesGivesAnErrorNotAHang) {
  node_ = test::mossd_process::start(dir_.path());
  ASSERT_GT(node_.port, 0);
  store_actor store = connect();
  ASSERT_TRUE(ask<txn_result>(store, txn_atom_v, txn_request::of(txn_op::put("k", "v"))));
  node_.stop(SIGKILL);
  auto start = std::chrono::steady_clock::now();
  auto after = ask<lookup_result>(store, get_atom_v, std::string{"k"});
  EXPECT_FALSE(after);
  EXPECT_TRUE(after.code() == errc::unreachable || after.code() == errc::timeout) << after.error().to_string();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST(MossdTlsTest, TlsPeersAreServedAndPlainPeersAndOtherCAsRefused) {
  test::temp_dir dir;
  ASSERT_TRUE(test::make_test_certificate(dir.file("key.pem"), dir.file("cert.pem")));
  auto n = test::mossd_process::start(dir.file("store"), 0, {"--tls-cert", dir.file("cert.pem"), "--tls-key",
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
    auto gateway = caf::openssl::remote_actor<gateway_actor>(sys, "127.0.0.1", n.port);
    ASSERT_TRUE(gateway) << sys.render(gateway.error());
    auto anchor = spawn_anchor(sys);
    auto store = open_session(sys, *gateway, anchor, 3s);
    ASSERT_TRUE(store) << store.error().to_string();
    caf::scoped_actor self{sys};
    bool committed = false;
    self->request(*store, 3s, txn_atom_v, txn_request::of(txn_op::put("k", "v")))
      .receive([&](const txn_result&) { committed = true; }, [](caf::error&) {});
    EXPECT_TRUE(committed);
    caf::anon_send_exit(anchor, caf::exit_reason::user_shutdown);
  }
  {
    // A certificate from another CA (its own, self-signed) is refused.
    ASSERT_TRUE(test::make_test_certificate(dir.file("other-key.pem"), dir.file("other-cert.pem")));
    caf::actor_system_config cfg;
    cfg.load<caf::io::middleman>();
    cfg.load<caf::openssl::manager>();
    cfg.openssl_certificate = dir.file("other-cert.pem");
    cfg.openssl_key = dir.file("other-key.pem");
    cfg.openssl_cafile = dir.file("cert.pem");  // it trusts the node; the node does not trust it
    add_moss_types(cfg);
    caf::actor_system sys{cfg};
    auto stranger = caf::openssl::remote_actor<gateway_actor>(sys, "127.0.0.1", n.port);
    EXPECT_FALSE(stranger) << "a certificate from another CA was accepted";
  }
  {
    caf::actor_system_config cfg;
    cfg.load<caf::io::middleman>();
    add_moss_types(cfg);
    caf::actor_system sys{cfg};
    auto start = std::chrono::steady_clock::now();
    auto plain = caf::io::remote_actor<gateway_actor>(sys, "127.0.0.1", n.port);
    EXPECT_FALSE(plain) << "a plain peer was accepted";
    EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
  }
  n.stop(SIGTERM);
}

} // namespace
} // namespace moss
