// The facade: input checks and result shapes, the same for both back ends.
#include <moss/db.hpp>

#include "client/embedded_impl.hpp"
#include "client/remote_impl.hpp"
#include "core/recovery.hpp"
#include "core/validate.hpp"

namespace moss {


// -- lifecycle -----------------------------------------------------------------

result<db> db::open(const options& opts) {
  auto p = embedded_impl::open(opts);
  if (!p)
    return p.error();
  return db{std::move(*p)};
}

result<db> db::connect(const std::string& host, uint16_t port, const connect_options& opts) {
  auto p = remote_impl::connect(host, port, opts);
  if (!p)
    return p.error();
  return db{std::move(*p)};
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
  return !impl_ || impl_->closed();
}

status db::close() {
  if (!impl_)
    return status::ok();
  return impl_->close();
}

// -- writes --------------------------------------------------------------------

namespace {

// Commits one op and says whether it found its key (del, persist).
result<bool> commit_one(db::impl* d_ptr, txn_op op) {
  if (d_ptr == nullptr)
    return closed_error();
  db::impl& d = *d_ptr;
  auto req = txn_request::of(std::move(op));
  if (auto st = validate_txn(req, d.limit()); !st)
    return st;
  auto r = d.commit(std::move(req));
  if (!r)
    return r.error();
  return r->results.front().found;
}

} // namespace

status db::set(std::string_view key, std::string_view value, const write_options& wo) {
  if (!impl_)
    return closed_error();
  auto req = txn_request::of(txn_op::put(std::string{key}, std::string{value}, wo.ttl));
  if (auto st = validate_txn(req, impl_->limit()); !st)
    return st;
  auto r = impl_->commit(std::move(req));
  return r ? status::ok() : r.error();
}

result<bool> db::del(std::string_view key) {
  return commit_one(impl_.get(), txn_op::del(std::string{key}));
}

result<txn_result> db::txn(const txn_request& req) {
  if (!impl_)
    return closed_error();
  if (auto st = validate_txn(req, impl_->limit()); !st)
    return st;
  return impl_->commit(req);
}

result<revision> db::write(batch& b) {
  if (!impl_)
    return closed_error();
  auto req = b.take();
  if (auto st = validate_txn(req, impl_->limit()); !st)
    return st;
  auto r = impl_->commit(std::move(req));
  if (!r)
    return r.error();
  return r->rev;
}

write_future db::txn_async(txn_request req) {
  if (!impl_)
    return write_future::failed(closed_error());
  if (auto st = validate_txn(req, impl_->limit()); !st)
    return write_future::failed(std::move(st));
  auto slot = std::make_shared<reply_slot>();
  impl_->submit(std::move(req), slot);
  return write_future{std::move(slot)};
}

void db::txn_async(txn_request req, std::function<void(result<txn_result>)> done) {
  if (!impl_) {
    done(closed_error());
    return;
  }
  if (auto st = validate_txn(req, impl_->limit()); !st) {
    done(std::move(st));
    return;
  }
  impl_->submit(std::move(req), std::make_shared<callback_completion>(std::move(done)));
}

write_future db::set_async(std::string_view key, std::string_view value,
                           const write_options& wo) {
  return txn_async(txn_request::of(txn_op::put(std::string{key}, std::string{value}, wo.ttl)));
}

write_future db::del_async(std::string_view key) {
  return txn_async(txn_request::of(txn_op::del(std::string{key})));
}

// -- reads ---------------------------------------------------------------------

result<std::optional<kv>> db::entry(std::string_view key) const {
  if (is_closed())
    return closed_error();
  if (auto st = validate_key(key, impl_->limit()); !st)
    return st;
  return impl_->entry(key);
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
  int64_t left = (*e)->meta.expiry - impl_->now_ns();
  return std::optional{std::chrono::nanoseconds{std::max<int64_t>(left, 1)}};
}

result<bool> db::persist(std::string_view key) {
  return commit_one(impl_.get(), txn_op::persist(std::string{key}));
}

result<bool> db::exists(std::string_view key) const {
  if (is_closed())
    return closed_error();
  if (auto st = validate_key(key, impl_->limit()); !st)
    return st;
  return impl_->exists(key);
}

result<scan_result> db::scan(const scan_request& req) const {
  if (is_closed())
    return closed_error();
  if (auto st = validate_scan(req, impl_->limit()); !st)
    return st;
  return impl_->scan(req);
}

status db::compact() {
  if (is_closed())
    return closed_error();
  auto r = impl_->compact();
  return r ? status::ok() : r.error();
}

result<repair_report> repair(const std::string& dir) {
  return repair(default_file_system(), dir);
}

result<store_stats> db::stats() const {
  if (is_closed())
    return closed_error();
  return impl_->stats();
}

} // namespace moss
