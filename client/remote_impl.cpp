// The remote back end: connecting, calls through the client actor, watches
// through bridges subscribed at the remote store, closing.
#include "client/remote_impl.hpp"

#include <algorithm>
#include <thread>

#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/scoped_actor.hpp>

#include <moss/messages/errors.hpp>
#include <moss/time_source.hpp>

#include "actors/session.hpp"
#include "actors/spawn_store.hpp"
#include "client/call_pipe.hpp"
#include "client/tls_error_queue.hpp"

namespace moss {

namespace {

// Connects through the middleman actor, so the wait is bounded: CAF's own
// remote_actor waits as long as TCP's connect does (minutes on a host that
// drops packets).
result<gateway_actor> reach_gateway(caf::actor_system& sys, const std::string& host, uint16_t port,
                                    bool tls, caf::timespan timeout) {
  auto mm = tls ? sys.openssl_manager().actor_handle() : sys.middleman().actor_handle();
  caf::scoped_actor self{sys};
  std::optional<result<gateway_actor>> out;
  self->request(mm, timeout, caf::connect_atom_v, host, port)
    .receive(
      [&](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>&) {
        if (!ptr)
          out.emplace(status{errc::unreachable, "nothing is published there"});
        else
          out.emplace(caf::actor_cast<gateway_actor>(std::move(ptr)));
      },
      [&](caf::error& err) {
        if (err == caf::sec::request_timeout)
          out.emplace(status{errc::timeout, "no answer within "
                                              + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count())
                                              + " ms"});
        else
          out.emplace(status{errc::unreachable, sys.render(err)});
      });
  return std::move(*out);
}

} // namespace

result<std::unique_ptr<remote_impl>> remote_impl::connect(const std::string& host, uint16_t port,
                                                          const connect_options& opts) {
  if (opts.timeout.count() <= 0)
    return status{errc::invalid_argument, "the call timeout must be positive"};
  if (opts.connect_timeout.count() <= 0 || opts.peer_timeout.count() <= 0)
    return status{errc::invalid_argument, "the connect and peer timeouts must be positive"};
  if (opts.tls() && (opts.tls_cert.empty() || opts.tls_key.empty() || opts.tls_ca.empty()))
    return status{errc::invalid_argument, "TLS needs a certificate, its key and a CA file"};
  std::unique_ptr<remote_impl> p{new remote_impl};
  p->opts_ = opts;
  p->where_ = host + ":" + std::to_string(port);
  p->cfg_.load<caf::io::middleman>();
  if (opts.tls()) {
    (void) tls_error_queue_guarded();  // links the workaround in (see its header)
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
  // Heartbeats, so a node that vanishes without closing the connection is
  // noticed within peer_timeout (the node does the same to us).
  p->cfg_.set("middleman.heartbeat-interval", caf::timespan{opts.peer_timeout / 4});
  p->cfg_.set("middleman.connection-timeout", caf::timespan{opts.peer_timeout});
  add_moss_types(p->cfg_);
  p->sys_ = std::make_unique<caf::actor_system>(p->cfg_);
  auto fail = [&](status st) {
    p->closed_ = true;
    return st;
  };
  // 1. The node's gateway, within connect_timeout.
  auto gateway = reach_gateway(*p->sys_, host, port, opts.tls(), caf::timespan{opts.connect_timeout});
  if (!gateway)
    return fail({gateway.error().code(), "cannot reach a store at " + p->where_ + ": " + gateway.error().message()});
  // 2. A session of our own, which ends when the anchor does.
  p->anchor_ = spawn_anchor(*p->sys_);
  auto session = open_session(*p->sys_, *gateway, p->anchor_, caf::timespan{opts.connect_timeout});
  if (!session)
    return fail({session.error().code(), "the store at " + p->where_ + " refused a session: " + session.error().message()});
  p->store_ = std::move(*session);
  p->pipe_ = call_pipe::make(*p->sys_, p->store_, p->where_, caf::timespan{opts.timeout});
  p->client_ = p->sys_->spawn(remote_client, p->store_, caf::timespan{opts.timeout}, p->where_, p->pipe_);
  // 3. Read-your-writes: wait until the store has applied min_rev.
  if (opts.min_rev != 0)
    if (auto reached = p->wait_for_revision(opts.min_rev, opts.timeout); !reached) {
      (void) p->close();  // the session and client actors are up: end them
      return reached;
    }
  return p;
}

status remote_impl::wait_for_revision(revision want, std::chrono::milliseconds patience) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  auto pause = std::chrono::milliseconds{1};
  for (;;) {
    auto s = stats();
    if (!s)
      return s.error();
    if (s->rev >= want)
      return status::ok();
    if (std::chrono::steady_clock::now() + pause > deadline)
      return {errc::timeout, "the store at " + where_ + " has applied revision " + std::to_string(s->rev)
                               + ", not yet " + std::to_string(want) + ", after "
                               + std::to_string(patience.count()) + " ms"};
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds{20});
  }
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
    // bridges end their watches with errc::closed. Only once they are gone
    // does the anchor go, ending our session at the node: its going away
    // must not reach a bridge or the client first as "unreachable".
    std::vector<caf::actor> gone;
    if (client_) {
      caf::anon_send_exit(client_, caf::exit_reason::user_shutdown);
      gone.push_back(caf::actor_cast<caf::actor>(client_));
    }
    {
      std::lock_guard lk(bridges_mu_);
      for (auto& addr : bridges_)
        if (auto b = caf::actor_cast<caf::actor>(addr)) {
          caf::anon_send_exit(b, caf::exit_reason::user_shutdown);
          gone.push_back(std::move(b));
        }
      bridges_.clear();
    }
    caf::scoped_actor self{*sys_};
    for (auto& a : gone)
      self->wait_for(a);
    if (pipe_)
      call_pipe::of(pipe_).stop();
    if (anchor_)
      caf::anon_send_exit(anchor_, caf::exit_reason::user_shutdown);
  }
  store_ = nullptr;
  client_ = nullptr;
  pipe_ = nullptr;
  anchor_ = nullptr;
  sys_.reset();  // waits for the actors; closes the connection
  return status::ok();
}

int64_t remote_impl::now_ns() const {
  return system_clock_source()->now_ns();
}

template <class Ptr>
bool remote_impl::send_call(Ptr c) {
  std::shared_lock lock(life_);
  if (closed_.load(std::memory_order_relaxed)) {
    c->fail(closed_error());
    return false;
  }
  if constexpr (std::is_same_v<Ptr, batch_item_ptr>) {
    return call_pipe::of(pipe_).submit(std::move(c));
  } else {
    caf::anon_send(client_, std::move(c));
    return false;
  }
}

namespace {

/// How long a caller that shares the pipe with others yields before it
/// parks (see ready_flag::wait_yielding): a few round trips' worth.
constexpr std::chrono::microseconds shared_wait_yield{500};

} // namespace

template <class T, class MakeCall>
result<T> remote_impl::wait_for(MakeCall make_call) {
  auto slot = std::make_shared<value_slot<result<T>>>();
  // A caller alone parks at once: nothing else runs here meanwhile, and a
  // core spinning through the round trip is taken from the work.
  if (send_call(make_call([slot](result<T> r) { slot->complete(std::move(r)); })))
    return std::move(slot->wait_yielding(shared_wait_yield));
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
  return wait_for<T>(
    [&](auto done) { return batch_item_ptr{std::make_shared<batched_call<T>>(std::move(done), std::move(c))}; });
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

// A node answers at most peer_limits::max_scan_results entries per call:
// page after the last key until the scan is done or the caller's limit is
// met. Each page is a consistent cut of its own.
result<scan_result> remote_impl::scan(const scan_request& req) {
  scan_result out;
  scan_request page = req;
  for (;;) {
    auto r = ask<scan_result>(scan_atom_v, page);
    if (!r)
      return r;
    // Go on only past a key this page moved to: a node that says "more"
    // with nothing new would keep this loop asking forever.
    const bool cut = r->more && !r->entries.empty() && r->entries.back().key >= page.from;
    if (out.entries.empty())
      out.entries = std::move(r->entries);
    else
      out.entries.insert(out.entries.end(), std::make_move_iterator(r->entries.begin()),
                         std::make_move_iterator(r->entries.end()));
    const bool limit_met = req.limit != 0 && out.entries.size() >= req.limit;
    if (!cut || limit_met) {
      out.more = cut;
      return out;
    }
    // The rest: keys after the last one, within the same bounds.
    std::string after = out.entries.back().key;
    after.push_back('\0');
    if (page.by_prefix) {
      page.to = prefix_end(req.from);
      page.by_prefix = false;
    }
    page.from = std::move(after);
    if (req.limit != 0)
      page.limit = req.limit - out.entries.size();
  }
}

void remote_impl::submit(txn_request req, std::shared_ptr<completion> done) {
  send_call(batch_item_ptr{std::make_shared<batched_call<txn_result>>(
    [done = std::move(done)](result<txn_result> r) { done->complete(std::move(r)); },
    call{call_kind::txn, {}, std::move(req)})});
}

result<txn_result> remote_impl::commit(txn_request req) {
  return ask_batched<txn_result>(call{call_kind::txn, {}, std::move(req)});
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
