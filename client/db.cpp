// The embedded facade: opening, reads through the keyspace, writes through
// the coordinator, closing.
#include "client/db_impl.hpp"

#include <thread>

#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>

#include "core/validate.hpp"
#include "messages/errors.hpp"

namespace moss {

namespace {

status closed_error() {
  return {errc::closed, "the store is closed"};
}

// The op's TTL in ns (0 = none); an explicit TTL must be positive.
result<int64_t> ttl_of(const write_options& wo) {
  if (!wo.ttl)
    return int64_t{0};
  if (wo.ttl->count() <= 0)
    return status{errc::invalid_argument, "a TTL must be positive, got "
                                            + std::to_string(wo.ttl->count()) + " ns"};
  return static_cast<int64_t>(wo.ttl->count());
}

size_t hardware_threads() {
  return std::max(1u, std::thread::hardware_concurrency());
}

} // namespace

// -- lifecycle -----------------------------------------------------------------

result<db> db::open(const options& opts) {
  if (opts.shards > 4096)
    return status{errc::invalid_argument, "at most 4096 shards"};
  auto p = std::make_unique<impl>();
  p->opts = opts;
  // No cfg.parse(): an embedded library must not read caf-application.ini.
  auto threads = static_cast<int64_t>(opts.threads != 0 ? opts.threads : hardware_threads());
  p->cfg.set("scheduler.max-threads", threads);
  // Idle workers otherwise sleep in uninterruptible 50 us steps.
  p->cfg.set("work-stealing.moderate-poll-attempts", int64_t{0});
  // Poll ~10,000 times (well under a millisecond) before sleeping on a
  // condition variable: a wake-up costs 30-50 us here, and a sync writer's
  // next commit usually comes within microseconds (p50 16 us -> 5.5 us).
  p->cfg.set("work-stealing.aggressive-poll-attempts", int64_t{10'000});
  add_moss_types(p->cfg);
  p->sys = std::make_unique<caf::actor_system>(p->cfg);
  auto parts = start_store(*p->sys, opts);
  if (!parts)
    return parts.error();  // ~impl stops the system: no actor was spawned
  p->parts = std::move(*parts);
  p->ks = p->parts.ks;
  return db{std::move(p)};
}

db::db(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
db::db(db&&) noexcept = default;
db& db::operator=(db&& other) noexcept {
  if (this != &other) {
    if (impl_)
      (void) close();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

db::~db() {
  if (impl_)
    (void) close();
}

bool db::is_closed() const noexcept {
  return !impl_ || impl_->closed.load(std::memory_order_acquire);
}

status db::close() {
  if (!impl_)
    return status::ok();
  return impl_->shutdown();
}

status db::impl::shutdown() {
  {
    std::unique_lock lock(life);
    if (closed.exchange(true))
      return status::ok();
  }
  status st = stop_store(parts);
  sys.reset();  // waits for every actor
  return st;
}

// -- writes --------------------------------------------------------------------

void db::impl::submit(txn_request req, std::shared_ptr<completion> done) {
  std::shared_lock lock(life);
  if (closed.load(std::memory_order_relaxed)) {
    done->complete(closed_error());
    return;
  }
  caf::anon_send(parts.coordinator, commit_atom_v,
                 local_commit{std::move(req), std::make_shared<reply_token>(std::move(done))});
}

result<txn_result> db::impl::commit(txn_request req) {
  auto slot = std::make_shared<reply_slot>();
  submit(std::move(req), slot);
  return std::move(slot->wait());
}

status db::set(std::string_view key, std::string_view value, const write_options& wo) {
  auto ttl = ttl_of(wo);
  if (!ttl)
    return ttl.error();
  auto req = txn_request::of(txn_op::put(std::string{key}, std::string{value}, *ttl));
  if (auto st = validate_txn(req, impl_->opts.limit); !st)
    return st;
  auto r = impl_->commit(std::move(req));
  return r ? status::ok() : r.error();
}

result<bool> db::impl::commit_one(txn_op op) {
  auto req = txn_request::of(std::move(op));
  if (auto st = validate_txn(req, opts.limit); !st)
    return st;
  auto r = commit(std::move(req));
  if (!r)
    return r.error();
  return r->results.front().found;
}

result<bool> db::del(std::string_view key) {
  return impl_->commit_one(txn_op::del(std::string{key}));
}

result<txn_result> db::txn(const txn_request& req) {
  if (auto st = validate_txn(req, impl_->opts.limit); !st)
    return st;
  return impl_->commit(req);
}

result<revision> db::write(batch& b) {
  auto req = b.take();
  if (auto st = validate_txn(req, impl_->opts.limit); !st)
    return st;
  auto r = impl_->commit(std::move(req));
  if (!r)
    return r.error();
  return r->rev;
}

write_future db::txn_async(txn_request req) {
  if (auto st = validate_txn(req, impl_->opts.limit); !st)
    return write_future::failed(std::move(st));
  auto slot = std::make_shared<reply_slot>();
  impl_->submit(std::move(req), slot);
  return write_future{std::move(slot)};
}

void db::txn_async(txn_request req, std::function<void(result<txn_result>)> done) {
  if (auto st = validate_txn(req, impl_->opts.limit); !st) {
    done(std::move(st));
    return;
  }
  impl_->submit(std::move(req), std::make_shared<callback_completion>(std::move(done)));
}

write_future db::set_async(std::string_view key, std::string_view value,
                           const write_options& wo) {
  auto ttl = ttl_of(wo);
  if (!ttl)
    return write_future::failed(ttl.error());
  return txn_async(txn_request::of(txn_op::put(std::string{key}, std::string{value}, *ttl)));
}

write_future db::del_async(std::string_view key) {
  return txn_async(txn_request::of(txn_op::del(std::string{key})));
}

// -- reads ---------------------------------------------------------------------

result<std::optional<kv>> db::entry(std::string_view key) const {
  if (is_closed())
    return closed_error();
  if (auto st = validate_key(key, impl_->opts.limit); !st)
    return st;
  return impl_->ks->get(key);
}

result<std::optional<std::string>> db::get(std::string_view key) const {
  auto e = entry(key);
  if (!e)
    return e.error();
  if (!*e)
    return std::optional<std::string>{};
  return std::optional<std::string>{std::move((*e)->value)};
}

result<std::optional<std::chrono::nanoseconds>> db::ttl(std::string_view key) const {
  auto e = entry(key);
  if (!e)
    return e.error();
  if (!*e || (*e)->meta.expiry == 0)
    return std::optional<std::chrono::nanoseconds>{};
  int64_t left = (*e)->meta.expiry - impl_->ks->clock().now_ns();
  return std::optional{std::chrono::nanoseconds{std::max<int64_t>(left, 1)}};
}

result<bool> db::persist(std::string_view key) {
  return impl_->commit_one(txn_op::persist(std::string{key}));
}

result<bool> db::exists(std::string_view key) const {
  if (is_closed())
    return closed_error();
  if (auto st = validate_key(key, impl_->opts.limit); !st)
    return st;
  return impl_->ks->get(key, false).has_value();
}

result<scan_result> db::scan(const scan_request& req) const {
  if (is_closed())
    return closed_error();
  if (auto st = validate_scan(req, impl_->opts.limit); !st)
    return st;
  return impl_->ks->scan(req);
}

status db::compact() {
  auto done = std::make_shared<reply_slot>();
  {
    std::shared_lock lock(impl_->life);
    if (impl_->closed)
      return closed_error();
    caf::anon_send(impl_->parts.coordinator, compact_atom_v,
                   local_ack{std::make_shared<reply_token>(done)});
  }
  auto& r = done->wait();
  return r ? status::ok() : r.error();
}

result<repair_report> repair(const std::string& dir) {
  return repair(default_file_system(), dir);
}

result<store_stats> db::stats() const {
  std::shared_lock lock(impl_->life);
  if (impl_->closed)
    return closed_error();
  caf::scoped_actor self{*impl_->sys};
  std::optional<result<store_stats>> out;
  self->request(impl_->parts.coordinator, std::chrono::seconds(10), stats_atom_v)
    .receive([&](store_stats s) { out.emplace(s); },
             [&](caf::error& err) { out.emplace(to_status(err)); });
  return std::move(*out);
}

} // namespace moss
