// Counters a store reports about itself.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <moss/messages/replication.hpp>
#include <moss/record_meta.hpp>

namespace moss {

struct store_stats {
  uint64_t keys = 0;          ///< live entries (expired ones not yet removed included)
  revision rev = 0;           ///< current revision: the newest every read sees
  uint64_t memory_bytes = 0;  ///< engines' heap estimate
  uint64_t shards = 0;
  uint64_t commits = 0;       ///< commits that wrote something
  uint64_t groups = 0;        ///< commit groups applied (commits / groups = batching)
  uint64_t conflicts = 0;     ///< transactions whose compares failed
  uint64_t log_bytes = 0;     ///< bytes of log after the base snapshot
  revision snapshot_rev = 0;  ///< revision of the base snapshot (0: none)
  uint64_t fsyncs = 0;        ///< log fsyncs since open
  uint64_t compactions = 0;   ///< snapshots written since open
  uint64_t torn_tails = 0;    ///< torn log tails cut off at open
  uint64_t expired_at_open = 0;  ///< entries dropped at open because they had expired
  uint64_t expired = 0;          ///< keys expired by the TTL timer since open
  uint64_t watchers = 0;         ///< running watches
  uint64_t history_bytes = 0;    ///< bytes of changes the watch history holds (bounded by options)
  revision history_oldest_rev = 0;  ///< the oldest revision a watch can start from
  uint64_t incarnation = 0;      ///< the store directory's incarnation (see watch_request::incarnation)
  uint64_t pending_commits = 0;  ///< embedded db: writes sent and not yet answered
  uint64_t pending_bytes = 0;    ///< ...and about the bytes they hold (bounded by options)
  // -- replication ----------------------------------------------------------
  std::vector<replica_info> replicas;  ///< a primary: the replicas following it now
  std::string replica_of;              ///< a replica: its primary's host:port (empty: not a replica)
  bool replica_connected = false;      ///< ...streaming from it now
  revision primary_rev = 0;            ///< ...the primary's last revision as last heard
  uint64_t replica_lag_revs = 0;       ///< ...primary_rev minus the revision applied here
  uint64_t replica_lag_ms = 0;         ///< ...since it was last caught up (0: caught up)
  uint64_t full_syncs = 0;             ///< ...snapshots installed from the primary since start
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, store_stats& x) {
  return f(x.keys, x.rev, x.memory_bytes, x.shards, x.commits, x.groups, x.conflicts, x.log_bytes,
           x.snapshot_rev, x.fsyncs, x.compactions, x.torn_tails, x.expired_at_open, x.expired,
           x.watchers, x.history_bytes, x.history_oldest_rev, x.incarnation, x.pending_commits,
           x.pending_bytes, x.replicas, x.replica_of, x.replica_connected, x.primary_rev,
           x.replica_lag_revs, x.replica_lag_ms, x.full_syncs);
}

} // namespace moss
