// What a store knows of its replication, shared by the actors that do it
// (a replica's follower, a primary's feeds) and read by the coordinator
// when it answers stats. One mutex; touched a few times per frame.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include <moss/messages/stats.hpp>

namespace moss {

class replication_status {
public:
  using clock = std::chrono::steady_clock;

  // -- a replica (its follower writes) ---------------------------------------

  void set_replica_of(std::string primary);
  void set_connected(bool connected);
  /// The primary is at `primary_rev`; this replica has applied `applied`.
  void heard(revision primary_rev, revision applied);
  void count_full_sync();

  // -- a primary (its feeds write) -------------------------------------------

  /// A replica started following; returns its id here.
  uint64_t add_replica(std::string name);
  /// It acknowledged up to `applied`; the primary was at `primary_rev`.
  void replica_acked(uint64_t id, revision applied, revision primary_rev, bool syncing);
  void remove_replica(uint64_t id);

  /// Fills the replication fields of `out`; `rev` is the store's revision.
  void fill(store_stats& out, revision rev) const;

private:
  struct follower {
    replica_info info;
    clock::time_point caught_up_at = clock::now();
  };

  mutable std::mutex mu_;
  std::string replica_of_;
  bool connected_ = false;
  revision primary_rev_ = 0;
  clock::time_point caught_up_at_ = clock::now();
  uint64_t full_syncs_ = 0;
  uint64_t next_id_ = 1;
  std::map<uint64_t, follower> replicas_;
};

} // namespace moss
