// The shared replication status.
#include "core/replication_status.hpp"

namespace moss {

namespace {

uint64_t ms_since(replication_status::clock::time_point t) {
  auto d = replication_status::clock::now() - t;
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

} // namespace

void replication_status::set_replica_of(std::string primary) {
  std::lock_guard lk(mu_);
  replica_of_ = std::move(primary);
}

void replication_status::set_connected(bool connected) {
  std::lock_guard lk(mu_);
  connected_ = connected;
}

void replication_status::heard(revision primary_rev, revision applied) {
  std::lock_guard lk(mu_);
  primary_rev_ = std::max(primary_rev_, primary_rev);
  if (applied >= primary_rev_)
    caught_up_at_ = clock::now();
}

void replication_status::count_full_sync() {
  std::lock_guard lk(mu_);
  ++full_syncs_;
}

uint64_t replication_status::add_replica(std::string name) {
  std::lock_guard lk(mu_);
  const uint64_t id = next_id_++;
  replicas_[id].info.name = std::move(name);
  return id;
}

void replication_status::replica_acked(uint64_t id, revision applied, revision primary_rev, bool syncing) {
  std::lock_guard lk(mu_);
  auto it = replicas_.find(id);
  if (it == replicas_.end())
    return;
  it->second.info.applied = applied;
  it->second.info.syncing = syncing;
  if (applied >= primary_rev)
    it->second.caught_up_at = clock::now();
}

void replication_status::remove_replica(uint64_t id) {
  std::lock_guard lk(mu_);
  replicas_.erase(id);
}

void replication_status::fill(store_stats& out, revision rev) const {
  std::lock_guard lk(mu_);
  out.replica_of = replica_of_;
  out.replica_connected = connected_;
  out.primary_rev = primary_rev_;
  out.replica_lag_revs = primary_rev_ > rev ? primary_rev_ - rev : 0;
  out.replica_lag_ms = out.replica_lag_revs == 0 ? 0 : ms_since(caught_up_at_);
  out.full_syncs = full_syncs_;
  out.replicas.clear();
  for (const auto& [id, f] : replicas_) {
    replica_info& r = out.replicas.emplace_back(f.info);
    r.lag_revs = rev > r.applied ? rev - r.applied : 0;
    r.lag_ms = r.lag_revs == 0 ? 0 : ms_since(f.caught_up_at);
  }
}

} // namespace moss
