// Spawning the actors of a store.
#include "actors/spawn_store.hpp"

#include <thread>

#include <moss/messages/errors.hpp>

#include "actors/coordinator.hpp"
#include "actors/shard.hpp"
#include "actors/store.hpp"
#include "actors/ttl_timer.hpp"
#include "actors/wal_writer.hpp"
#include "actors/watch_hub.hpp"
#include "core/recovery.hpp"
#include "core/validate.hpp"
#include "persistence/file_names.hpp"
#include "persistence/incarnation.hpp"

namespace moss {

void add_moss_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::moss>();
  cfg.add_message_types<caf::id_block::moss_handles>();
  cfg.add_error_category(caf::atom("moss"), render_error);
}

result<store_parts> start_store(caf::actor_system& sys, const options& opts) {
  if (auto st = validate_limits(opts.limit); !st)
    return st;
  size_t n = opts.shards != 0 ? opts.shards : std::max(1u, std::thread::hardware_concurrency());
  store_parts parts;
  parts.ks = std::make_shared<keyspace>(opts.engine, n, opts.clock);
  parts.incarnation = new_incarnation_id();  // in memory: every open is a new history
  coordinator_config config;
  std::shared_ptr<wal_setup> log_setup;  // set when there is a log
  config.ks = parts.ks;
  config.lim = opts.limit;
  config.compact_ratio = opts.compact_ratio;
  config.compact_min_bytes = opts.compact_min_bytes;
  parts.replication = std::make_shared<replication_status>();
  config.replication = parts.replication;
  parts.engine = opts.engine;
  parts.clock = opts.clock;
  parts.lim = opts.limit;
  const bool replica = !opts.replica_of.empty();
  if (replica) {
    config.read_only = "this store is a read replica of " + opts.replica_of + "; write to the primary there";
    parts.replication->set_replica_of(opts.replica_of);
  }
  if (!opts.dir.empty()) {
    // 1. Recover the directory into the keyspace before any actor runs.
    file_system& fs = opts.fs != nullptr ? *opts.fs : default_file_system();
    auto setup = std::make_shared<wal_setup>();
    auto recovered = recover(fs, opts.dir, *parts.ks, setup->lock);
    if (!recovered)
      return recovered.error();
    if (!recovered->tail_report.empty() && opts.log)
      opts.log(opts.dir + ": torn log tail truncated: " + recovered->tail_report);
    // The directory's incarnation, decided before the first write.
    auto incarnation = open_incarnation(fs, opts.dir, opts.fsync == fsync_policy::always);
    if (!incarnation)
      return incarnation.error();
    parts.incarnation = *incarnation;
    // A replica's directory opened as a primary (the way to promote one) may
    // take writes its old primary never saw: it must not resume following
    // that primary from its revision, so it forgets which one it was.
    if (const std::string was = join_path(opts.dir, replica_file_name); !replica && fs.exists(was)) {
      if (auto st = fs.remove(was); !st)
        return st;
      if (auto st = fs.sync_dir(opts.dir); !st)  // gone before the first write
        return st;
      if (opts.log)
        opts.log(opts.dir + ": was a read replica; opened as a primary, it would follow a primary again "
                            "only from a full sync");
    }
    parts.fs = &fs;
    parts.dir = opts.dir;
    parts.log = opts.log;
    // 2. What the WAL writer takes over (it is spawned with the shards).
    setup->fs = &fs;
    setup->dir = opts.dir;
    setup->files = recovered->files;
    setup->last_rev = recovered->last_rev;
    setup->next_file = recovered->next_file;
    setup->log_bytes = recovered->log_bytes;
    setup->policy = opts.fsync;
    setup->counters = std::make_shared<wal_counters>();
    setup->counters->snapshot_rev = recovered->files.snapshot_revision;
    setup->counters->snapshot_bytes = recovered->snapshot_bytes;
    setup->counters->log_bytes = recovered->log_bytes;
    setup->counters->torn_tails = recovered->truncations;
    setup->counters->expired_at_open = recovered->expired_dropped;
    config.rev = recovered->last_rev;
    config.wal_stats = setup->counters;
    config.fs = &fs;
    config.dir = opts.dir;
    log_setup = std::move(setup);
  }
  parts.ks->set_applied_rev(config.rev);
  // 3. Deadlines already there (the TTL timer's starting point).
  // A replica expires nothing itself: its primary's expiry records do.
  auto deadlines = std::make_shared<initial_deadlines>();
  if (!replica)
    parts.ks->for_each_unlocked([&](const record& r) {
    if (r.expiry() != 0)
      deadlines->emplace_back(std::string{r.key()}, r.expiry());
    return true;
  });
  // 4. Shards, the coordinator (handed the shards and the WAL), the TTL timer
  //    and the watch hub (handed the coordinator, and subscribed to it before
  //    any commit can follow), and the store in front of them.
  for (size_t i = 0; i < n; ++i)
    parts.shards.push_back(sys.spawn(shard_impl, parts.ks, i));
  config.shards = parts.shards;
  if (log_setup) {
    // Under `always` every append ends in an fdatasync: give it a thread of
    // its own. Otherwise an append is one write(2) into the page cache.
    parts.wal = opts.fsync == fsync_policy::always
                  ? sys.spawn<caf::detached>(wal_impl, log_setup, parts.shards)
                  : sys.spawn(wal_impl, log_setup, parts.shards);
    config.wal = parts.wal;
  }
  auto ttl_size = std::make_shared<std::atomic<size_t>>(deadlines->size());
  config.ttl_deadlines = ttl_size;
  parts.intake = std::make_shared<commit_intake>();
  config.intake = parts.intake;
  parts.coordinator = sys.spawn(coordinator_impl, config);
  parts.ttl = sys.spawn(ttl_impl, parts.ks, parts.coordinator, deadlines, ttl_size);
  if (!replica)
    caf::anon_send(parts.coordinator, subscribe_atom_v,
                   subscription{change_listener{parts.ttl}, /*want_prev=*/false, /*deadlines_only=*/true});
  parts.hub = spawn_watch_hub(sys, parts.coordinator,
                              watch_config{.incarnation = parts.incarnation,
                                           .history_bytes = opts.watch_history_bytes,
                                           .max_key_size = opts.limit.max_key_size,
                                           .max_watches_per_node = opts.peer.max_watches_per_node},
                              config.rev);
  parts.front = store_front{parts.ks, parts.coordinator, parts.hub, opts.limit, opts.peer, parts.intake};
  parts.store = sys.spawn(store_impl, parts.front, parts.shards);
  // The store's exit stops the actors it does not link to.
  caf::actor_cast<caf::actor>(parts.store)->attach_functor([wal = parts.wal, ttl = parts.ttl](const caf::error&) {
    caf::anon_send_exit(ttl, caf::exit_reason::user_shutdown);
    if (wal)
      caf::anon_send_exit(wal, caf::exit_reason::user_shutdown);
  });
  return parts;
}

replication_source replication_source_of(const store_parts& parts) {
  replication_source src;
  src.coordinator = parts.coordinator;
  src.hub = parts.hub;
  src.incarnation = parts.incarnation;
  src.dir = parts.dir;
  src.status = parts.replication;
  if (parts.front.coordinator && parts.replication) {
    store_stats s;
    parts.replication->fill(s, 0);
    if (!s.replica_of.empty())
      src.refuse = "this store is itself a replica (of " + s.replica_of
                   + "); replicas follow a primary only";
  }
  return src;
}

void submit_commit(const store_parts& parts, local_commit c) {
  if (parts.intake->push(std::move(c)))
    caf::anon_send(parts.coordinator, commit_atom_v);
}

status stop_store(store_parts& parts) {
  // 1. Let the coordinator finish every commit it accepted and flush the log.
  auto drained = std::make_shared<reply_slot>();
  caf::anon_send(parts.coordinator, close_atom_v, local_ack{std::make_shared<reply_token>(drained)});
  auto& outcome = drained->wait();
  // 2. Everything acknowledged is on disk: the next open keeps the incarnation.
  if (outcome && parts.fs != nullptr) {
    if (auto st = mark_clean_close(*parts.fs, parts.dir); !st && parts.log)
      parts.log(parts.dir + ": cannot mark the clean close: " + st.to_string());
  }
  // 3. Stop the actors (the store's exit stops the others).
  caf::anon_send_exit(parts.store, caf::exit_reason::user_shutdown);
  parts = {};
  return outcome ? status::ok() : outcome.error();
}

result<store_actor> spawn_store(caf::actor_system& sys, const options& opts) {
  auto parts = start_store(sys, opts);
  if (!parts)
    return parts.error();
  return parts->store;
}

} // namespace moss
