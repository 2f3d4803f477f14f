// The keyspace: the engines of all shards with their locks. Shard actor i is
// the only writer of shard i; any thread may read concurrently under the
// shard's shared lock, so an in-process get never crosses a thread.
//
// Atomic visibility across shards: a commit group that touches several shards
// is applied shard by shard. The first shard to apply its part raises
// `partial_`, the last lowers it (and sets `applied_rev_`), both under their
// exclusive locks. A reader of several shards holds all their shared locks
// and proceeds only when `partial_` is 0, so it never sees half of a commit.
//
// Snapshots without a fork: pin() takes one consistent cut (every shard's
// records, by pointer, at applied_rev()) in the time it takes to copy the
// pointers. Until unpin(), a shard does not free the records it replaces or
// erases but keeps them in its graveyard, so the pinned records stay valid
// while a snapshot writer reads them on another thread. Memory cost: 8 bytes
// per entry, plus every record replaced or deleted until unpin().
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string_view>
#include <vector>

#include <moss/messages/kv.hpp>
#include <moss/messages/scan.hpp>
#include <moss/time_source.hpp>

#include "core/write_group.hpp"
#include "engine/engine.hpp"

namespace moss {

class keyspace {
public:
  keyspace(engine_kind kind, size_t shard_count, std::shared_ptr<const time_source> clock);
  keyspace(const keyspace&) = delete;
  keyspace& operator=(const keyspace&) = delete;

  size_t shard_count() const noexcept { return shards_.size(); }
  size_t shard_of(std::string_view key) const noexcept;
  const time_source& clock() const noexcept { return *clock_; }

  // -- reads, from any thread ------------------------------------------------

  /// The live entry under `key` (expired entries are absent), value included
  /// unless `with_value` is false.
  std::optional<kv> get(std::string_view key, bool with_value = true,
                        bool include_expired = false) const;
  /// get() as the answer to a get request.
  lookup_result lookup(std::string_view key) const {
    auto e = get(key);
    return e ? lookup_result{true, std::move(*e)} : lookup_result{};
  }

  /// An ordered scan over all shards, as one consistent cut.
  scan_result scan(const scan_request& req) const;

  /// Keys of live entries starting with `prefix`, in order (one consistent cut).
  std::vector<std::string> keys_with_prefix(std::string_view prefix) const;

  /// Entries, counting expired ones not yet removed.
  size_t size() const;

  /// Heap bytes held by all engines.
  size_t memory_usage() const;

  /// The revision of the last commit group applied in full.
  revision applied_rev() const noexcept { return applied_rev_.load(std::memory_order_acquire); }

  /// One consistent cut: every entry (expired ones included) at `rev`.
  struct cut {
    revision rev = 0;
    std::vector<std::vector<const record*>> shards;
    size_t entries() const noexcept;
  };

  /// Takes a consistent cut whose records stay valid until unpin(). At most
  /// one pin at a time. Briefly holds every shard's read lock. Gives up (no
  /// cut, nothing pinned) if `cancelled` turns true while a group is half applied.
  std::optional<cut> pin(const std::atomic<bool>& cancelled);
  /// Ends the pin: records retired since are freed.
  void unpin();

  // -- writes, from the owning shard actor only -------------------------------

  /// Applies the ops of `g` that belong to shard `shard`. Returns true for
  /// the call that applied the group's last part: the group is then visible.
  bool apply(size_t shard, const write_group& g);

  // -- recovery and snapshots: only while no shard actor writes -------------

  /// Installs an entry exactly as recovered from a snapshot or the log.
  void restore(std::string_view key, std::string_view value, const record_meta& meta);
  /// Replays a logged put at `rev` decided at clock reading `now`: its create
  /// revision and version follow from the entry it replaces, as at apply.
  void replay_put(std::string_view key, std::string_view value, revision rev, int64_t expiry,
                  int64_t now);
  /// The revision recovery reached (before any shard actor runs).
  void set_applied_rev(revision rev) noexcept { applied_rev_.store(rev, std::memory_order_release); }
  /// Removes an entry while recovering.
  void restore_erase(std::string_view key);
  /// Removes entries whose deadline is at or before `now`; returns how many.
  size_t drop_expired(int64_t now);
  /// A replica installs its primary's snapshot: takes over every shard's
  /// entries from `from` (built with the same kind, shard count and clock)
  /// and its applied revision, under every shard's exclusive lock, so a
  /// reader sees the old keyspace or the new one, never a mix; `from` is
  /// left with the old entries. Not while pinned.
  void replace_all(keyspace& from);
  /// Visits every entry, shard by shard, taking no locks: for a forked
  /// snapshot writer, where no other thread exists.
  void for_each_unlocked(record_visitor fn) const;

private:
  struct alignas(64) shard {
    std::unique_ptr<engine> eng;
    mutable std::shared_mutex mu;
    bool pinned = false;                 ///< guarded by mu (set under all locks)
    std::vector<record_ptr> graveyard;   ///< records retired while pinned
  };

  // Frees `r`, or keeps it in the graveyard while the shard is pinned. Under s.mu.
  static void retire(shard& s, record_ptr r);

  // Locks every shard shared with no multi-shard group half applied (none
  // if `cancelled` turns true meanwhile).
  std::vector<std::shared_lock<std::shared_mutex>> lock_consistent(
    const std::atomic<bool>* cancelled = nullptr) const;

  std::vector<std::unique_ptr<shard>> shards_;
  std::shared_ptr<const time_source> clock_;
  std::atomic<int> partial_{0};
  std::atomic<revision> applied_rev_{0};
};

} // namespace moss
