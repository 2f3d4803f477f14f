// The embedded back end: reads through the keyspace on the calling thread,
// writes through the coordinator, watches through the store actor.
#include "client/embedded_impl.hpp"

#include <thread>

#include <caf/scoped_actor.hpp>

#include <moss/messages/errors.hpp>

namespace moss {

namespace {

// CAF workers when options::threads is 0: half the cores, at least one.
// An embedded store's callers are threads of the same process, and a worker
// polling while idle takes a core from them. On 2 cores (db_bench, 1M keys)
// one worker gave a sync set p50 of 6.4 us against 7.8 us with two (p99 12
// against 25 us), 2-thread sync sets 156k/s against 126k/s, and the same or
// better everywhere else.
size_t default_workers() {
  return std::max(1u, std::thread::hardware_concurrency() / 2);
}

} // namespace

result<std::unique_ptr<embedded_impl>> embedded_impl::open(const options& opts) {
  if (opts.shards > 4096)
    return status{errc::invalid_argument, "at most 4096 shards"};
  std::unique_ptr<embedded_impl> p{new embedded_impl};
  p->opts_ = opts;
  p->backlog_ = std::make_unique<write_backlog>(opts.max_pending_bytes, opts.max_pending_commits);
  // No cfg.parse(): an embedded library must not read caf-application.ini.
  auto threads = static_cast<int64_t>(opts.threads != 0 ? opts.threads : default_workers());
  p->cfg_.set("scheduler.max-threads", threads);
  // Idle workers otherwise sleep in uninterruptible 50 us steps.
  p->cfg_.set("work-stealing.moderate-poll-attempts", int64_t{0});
  // Poll ~10,000 times (well under a millisecond) before sleeping on a
  // condition variable: a wake-up costs 30-50 us here, and a sync writer's
  // next commit usually comes within microseconds (p50 16 us -> 5.5 us).
  p->cfg_.set("work-stealing.aggressive-poll-attempts", int64_t{10'000});
  add_moss_types(p->cfg_);
  p->sys_ = std::make_unique<caf::actor_system>(p->cfg_);
  auto parts = start_store(*p->sys_, opts);
  if (!parts) {
    p->closed_ = true;  // no actor was spawned: ~embedded_impl just drops the system
    return parts.error();
  }
  p->parts_ = std::move(*parts);
  p->ks_ = p->parts_.ks;
  return p;
}

embedded_impl::~embedded_impl() {
  (void) close();
}

status embedded_impl::close() {
  {
    std::unique_lock lock(life_);
    if (closed_.exchange(true))
      return status::ok();
  }
  status st = stop_store(parts_);
  sys_.reset();  // waits for every actor
  return st;
}

result<std::optional<kv>> embedded_impl::entry(std::string_view key) {
  if (closed())
    return closed_error();
  return ks_->get(key);
}

result<bool> embedded_impl::exists(std::string_view key) {
  if (closed())
    return closed_error();
  return ks_->get(key, false).has_value();
}

result<scan_result> embedded_impl::scan(const scan_request& req) {
  if (closed())
    return closed_error();
  return ks_->scan(req);
}

namespace {

// About what a commit holds in memory until it is answered.
size_t bytes_of(const txn_request& req) {
  size_t n = 64;
  for (const auto* branch : {&req.success, &req.failure})
    for (const txn_op& op : *branch)
      n += 32 + op.key.size() + op.value.size();
  for (const compare& c : req.compares)
    n += 32 + c.key.size() + c.value.size();
  return n;
}

} // namespace

void embedded_impl::submit(txn_request req, std::shared_ptr<completion> done) {
  // Room in the backlog first (outside the lock: close must not wait for it).
  const size_t bytes = bytes_of(req);
  backlog_->acquire(bytes);
  auto tracked = backlog_->track(bytes, std::move(done));
  std::shared_lock lock(life_);
  if (closed_.load(std::memory_order_relaxed)) {
    tracked->complete(closed_error());
    return;
  }
  submit_commit(parts_, local_commit{std::move(req), std::make_shared<reply_token>(std::move(tracked))});
}

result<revision> embedded_impl::compact() {
  auto done = std::make_shared<reply_slot>();
  {
    std::shared_lock lock(life_);
    if (closed_)
      return closed_error();
    caf::anon_send(parts_.coordinator, compact_atom_v, local_ack{std::make_shared<reply_token>(done)});
  }
  auto& r = done->wait();
  if (!r)
    return r.error();
  return r->rev;
}

result<store_stats> embedded_impl::stats() {
  std::shared_lock lock(life_);
  if (closed_)
    return closed_error();
  caf::scoped_actor self{*sys_};
  std::optional<result<store_stats>> out;
  self->request(parts_.store, std::chrono::seconds(10), stats_atom_v)
    .receive([&](store_stats s) {
               s.pending_commits = backlog_->pending_commits();
               s.pending_bytes = backlog_->pending_bytes();
               out.emplace(s);
             },
             [&](caf::error& err) { out.emplace(to_status(err)); });
  return std::move(*out);
}

void embedded_impl::start_watch(watch_request req, std::shared_ptr<watch_channel> ch) {
  std::shared_lock lock(life_);
  if (closed_.load(std::memory_order_relaxed)) {
    ch->fail(closed_error());
    return;
  }
  sys_->spawn(watch_bridge, std::move(ch),
              watch_source{caf::actor_cast<caf::actor>(parts_.store), {errc::closed, "the store stopped"}},
              std::move(req));
}

} // namespace moss
