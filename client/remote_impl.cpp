// The remote back end: connecting, calls through the client actor, watches
// through bridges subscribed at the remote store, closing.
#include "client/remote_impl.hpp"

#include <algorithm>
#include <thread>

#include <caf/io/middleman.hpp>
#include <caf/io/remote_actor.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/remote_actor.hpp>

#include "actors/spawn_store.hpp"
#include "core/time_source.hpp"
#include "messages/errors.hpp"

namespace moss {

result<std::unique_ptr<remote_impl>> remote_impl::connect(const std::string& host, uint16_t port,
                                                          const connect_options& opts) {
  if (opts.timeout.count() <= 0)
    return status{errc::invalid_argument, "the call timeout must be positive"};
  if (opts.tls() && (opts.tls_cert.empty() || opts.tls_key.empty() || opts.tls_ca.empty()))
    return status{errc::invalid_argument, "TLS needs a certificate, its key and a CA file"};
  std::unique_ptr<remote_impl> p{new remote_impl};
  p->opts_ = opts;
  p->where_ = host + ":" + std::to_string(port);
  p->cfg_.load<caf::io::middleman>();
  if (opts.tls()) {
    p->cfg_.load<caf::openssl::manager>();
    p->cfg_.openssl_certificate = opts.tls_cert;
    p->cfg_.openssl_key = opts.tls_key;
    p->cfg_.openssl_cafile = opts.tls_ca;
  }
  size_t threads = opts.threads != 0 ? opts.threads : std::min(2u, std::max(1u, std::thread::hardware_concurrency()));
  p->cfg_.set("scheduler.max-threads", static_cast<int64_t>(threads));
  p->cfg_.set("work-stealing.moderate-poll-attempts", int64_t{0});
  // Answers are deserialized on the middleman's thread, not handed to a
  // BASP worker first: one thread hop less per call.
  p->cfg_.set("middleman.workers", int64_t{0});
  add_moss_types(p->cfg_);
  p->sys_ = std::make_unique<caf::actor_system>(p->cfg_);
  auto store = opts.tls() ? caf::openssl::remote_actor<store_actor>(*p->sys_, host, port)
                          : caf::io::remote_actor<store_actor>(*p->sys_, host, port);
  if (!store) {
    p->closed_ = true;
    return status{errc::unreachable, "cannot reach a store at " + p->where_ + ": " + p->sys_->render(store.error())};
  }
  p->store_ = std::move(*store);
  p->client_ = p->sys_->spawn(remote_client, p->store_, caf::timespan{opts.timeout}, p->where_);
  return p;
}

remote_impl::~remote_impl() {
  (void) close();
}

status remote_impl::close() {
  {
    std::unique_lock lock(life_);
    if (closed_.exchange(true))
      return status::ok();
  }
  if (sys_) {
    // Pending calls complete with errc::closed as the client drops them; the
    // bridges end their watches with errc::closed.
    if (client_)
      caf::anon_send_exit(client_, caf::exit_reason::user_shutdown);
    std::lock_guard lk(bridges_mu_);
    for (auto& b : bridges_)
      caf::anon_send_exit(b, caf::exit_reason::user_shutdown);
    bridges_.clear();
  }
  store_ = nullptr;
  client_ = nullptr;
  sys_.reset();  // waits for the actors; closes the connection
  return status::ok();
}

int64_t remote_impl::now_ns() const {
  return system_clock_source()->now_ns();
}

template <class Ptr>
void remote_impl::send_call(Ptr c) {
  std::shared_lock lock(life_);
  if (closed_.load(std::memory_order_relaxed)) {
    c->fail(closed_error());
    return;
  }
  caf::anon_send(client_, std::move(c));
}

template <class T, class MakeCall>
result<T> remote_impl::wait_for(MakeCall make_call) {
  auto slot = std::make_shared<value_slot<result<T>>>();
  send_call(make_call([slot](result<T> r) { slot->complete(std::move(r)); }));
  return std::move(slot->wait_parked());
}

template <class T, class... Ts>
result<T> remote_impl::ask(Ts... xs) {
  return wait_for<T>([&](auto done) {
    return single_call_ptr{std::make_shared<request_call<T, Ts...>>(std::move(done), std::move(xs)...)};
  });
}

template <class T>
result<T> remote_impl::ask_batched(call c) {
  return wait_for<T>([&](auto done) {
    return batch_item_ptr{std::make_shared<batched_call<T>>(std::move(done), std::move(c))};
  });
}

result<std::optional<kv>> remote_impl::entry(std::string_view key) {
  auto r = ask_batched<lookup_result>(call{call_kind::get, std::string{key}, {}});
  if (!r)
    return r.error();
  if (!r->found)
    return std::optional<kv>{};
  return std::optional<kv>{std::move(r->entry)};
}

result<bool> remote_impl::exists(std::string_view key) {
  return ask_batched<bool>(call{call_kind::exists, std::string{key}, {}});
}

result<scan_result> remote_impl::scan(const scan_request& req) {
  return ask<scan_result>(scan_atom_v, req);
}

void remote_impl::submit(txn_request req, std::shared_ptr<completion> done) {
  send_call(batch_item_ptr{std::make_shared<batched_call<txn_result>>(
    [done = std::move(done)](result<txn_result> r) { done->complete(std::move(r)); },
    call{call_kind::txn, {}, std::move(req)})});
}

result<store_stats> remote_impl::stats() {
  return ask<store_stats>(stats_atom_v);
}

result<revision> remote_impl::compact() {
  return ask<revision>(compact_atom_v);
}

void remote_impl::start_watch(watch_request req, std::shared_ptr<watch_channel> ch) {
  std::shared_lock lock(life_);
  if (closed_.load(std::memory_order_relaxed)) {
    ch->fail(closed_error());
    return;
  }
  auto bridge = sys_->spawn(watch_bridge, std::move(ch),
                            watch_source{caf::actor_cast<caf::actor>(store_),
                                         {errc::unreachable, "lost the connection to " + where_}},
                            std::move(req));
  std::lock_guard lk(bridges_mu_);
  // Forget bridges that are gone, so a long-lived db does not collect them.
  std::erase_if(bridges_, [](const caf::actor_addr& a) { return !caf::actor_cast<caf::strong_actor_ptr>(a); });
  bridges_.push_back(bridge.address());
}

} // namespace moss
