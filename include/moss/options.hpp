// How a store is configured: engine, sharding, limits and clock. Shared by the
// embedded facade and by spawn_store for CAF applications.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <moss/engine_kind.hpp>
#include <moss/time_source.hpp>

namespace moss {

/// Size limits checked on every request; violations are errc::invalid_argument.
struct limits {
  size_t max_key_size = 65'535;           ///< bytes; keys must also be non-empty
  size_t max_value_size = 64u << 20;      ///< bytes
  size_t max_ops_per_txn = 1u << 20;      ///< ops plus compares in one transaction
  /// Bytes one commit may take in the log (its record's payload); at most
  /// log_format::max_payload (256 MiB). A commit over it, including a
  /// del_prefix that would delete too many keys, is refused unapplied.
  size_t max_commit_bytes = 256u << 20;
};

/// When the log is made durable.
enum class fsync_policy : uint8_t {
  always,        ///< a write is acknowledged only after the fsync covering it
  every_second,  ///< the log is written per commit group and fsynced once a second
  never,         ///< the log is written per commit group; the OS decides when it hits disk
};

/// "always", "every_second" or "never".
std::string_view to_string(fsync_policy policy) noexcept;

/// The policy named `name`; nullopt for any other name.
std::optional<fsync_policy> parse_fsync_policy(std::string_view name) noexcept;

/// What one peer of a published store (one session) may hold at a time;
/// past a bound its call fails with errc::busy or errc::invalid_argument,
/// and nothing changes for any other peer.
struct peer_limits {
  size_t max_sessions_per_node = 64;   ///< sessions one CAF node may open
  size_t max_in_flight = 1024;         ///< relayed calls (txns, batches, compactions, watch starts) unanswered
  size_t max_batch_calls = 4096;       ///< calls in one call batch
  size_t max_request_bytes = 256u << 20;  ///< keys and values in one call batch or txn
  size_t max_scan_results = 10'000;    ///< entries per scan answer; longer scans page (`more`, `next`)
  size_t max_watches_per_node = 1024;  ///< open watches of subscribers on one other node
};

class file_system;

struct options {
  /// Data directory (created if missing); empty keeps the store in memory only.
  std::string dir;
  fsync_policy fsync = fsync_policy::every_second;
  /// Compact automatically when the log exceeds the snapshot by this ratio...
  double compact_ratio = 1.0;
  /// ...and is at least this large.
  uint64_t compact_min_bytes = 64ull << 20;
  /// The file layer (tests inject faults); null = the real one.
  file_system* fs = nullptr;
  engine_kind engine = engine_kind::radix;  ///< radix: ordered scans; hash: fastest point reads
  size_t shards = 0;                        ///< keyspace shards; 0 = hardware threads
  size_t threads = 0;                       ///< embedded only: CAF worker threads; 0 = half the cores (at least 1)
  limits limit;
  peer_limits peer;  ///< what each peer of a published store may hold
  /// Bytes of recent changes the watch hub keeps: watches resume from them,
  /// and a watcher that falls behind its queue catches up from them (it is
  /// cancelled with errc::overflow only once they no longer hold its place).
  size_t watch_history_bytes = 64u << 20;
  /// Embedded only: writes handed to the store but not yet answered; past
  /// either bound a writer waits (a writer that outruns the disk is slowed).
  size_t max_pending_bytes = 64u << 20;
  size_t max_pending_commits = 65'536;
  std::shared_ptr<const time_source> clock; ///< null = the system clock
  /// Set ("host:port"): the store is a read replica of that primary, which
  /// mossd --replica-of follows. Writes, transactions that write and compact
  /// fail with errc::read_only naming it; keys expire only by the primary's
  /// expiry records (reads still hide an entry whose deadline passed).
  std::string replica_of;
  /// Where the store reports what it did on its own (a torn log tail cut at
  /// open, a clean close it could not record): one line each, without a
  /// newline, possibly from the store's threads. Null: nothing is reported;
  /// the library never writes to the host's stdout or stderr.
  std::function<void(std::string_view)> log;
};

} // namespace moss
