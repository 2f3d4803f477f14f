// moss::db: a store's operations as plain calls, on one of two back ends.
// db::open runs the store inside this process (reads never cross a thread;
// writes go to the coordinator actor and wait on a reply slot, or return a
// future); db::connect talks to a mossd node over CAF's middleman, with the
// same calls, each bounded by a timeout.
//
//   auto db = moss::db::open({});                      // or db::connect("127.0.0.1", 7821)
//   db->set("k", "v");
//   auto v = db->get("k");   // result<optional<string>>
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <moss/batch.hpp>
#include <moss/connect_options.hpp>
#include <moss/messages/scan.hpp>
#include <moss/messages/stats.hpp>
#include <moss/messages/txn.hpp>
#include <moss/options.hpp>
#include <moss/repair.hpp>
#include <moss/result.hpp>
#include <moss/watch.hpp>
#include <moss/write_future.hpp>

namespace moss {

/// Options of a single write.
struct write_options {
  /// Set: the key expires after this long (must be positive). Unset: the key
  /// never expires, and a TTL it had is cleared.
  std::optional<std::chrono::nanoseconds> ttl;
};

/// A write that expires after `ttl` (which must be positive).
inline write_options with_ttl(std::chrono::nanoseconds ttl) {
  return {ttl};
}

class tx;

/// Options of a closure transaction.
struct tx_options {
  int max_attempts = 64;  ///< runs of the closure before errc::too_many_retries
};

class db {
public:
  /// Opens a store with `opts` in this process.
  static result<db> open(const options& opts = {});
  /// Connects to the store a mossd node publishes on `host`:`port`
  /// (errc::unreachable if nothing answers there). Every call of the result
  /// ends within `opts.timeout`; if the connection is lost, pending and later
  /// calls fail with errc::unreachable, and watches end with it.
  static result<db> connect(const std::string& host, uint16_t port, const connect_options& opts = {});

  db(db&&) noexcept;
  db& operator=(db&&) noexcept;
  ~db();  ///< closes

  // -- reads (embedded: never leave the calling thread) ------------------------

  /// The value under `key`; nullopt when missing or expired.
  result<std::optional<std::string>> get(std::string_view key) const;
  /// The entry under `key` with its revisions, version and deadline.
  result<std::optional<kv>> entry(std::string_view key) const;
  result<bool> exists(std::string_view key) const;
  /// Time left before `key` expires; nullopt when it is missing or never expires.
  result<std::optional<std::chrono::nanoseconds>> ttl(std::string_view key) const;
  /// Entries by prefix or range, in key order, as one consistent cut.
  result<scan_result> scan(const scan_request& req) const;
  result<scan_result> scan_prefix(std::string_view prefix, uint64_t limit = 0) const {
    return scan(scan_request::prefix(std::string{prefix}, limit));
  }
  result<scan_result> scan_range(std::string_view from, std::string_view to,
                                 uint64_t limit = 0) const {
    return scan(scan_request::range(std::string{from}, std::string{to}, limit));
  }

  // -- writes (return once every reader can see them) -------------------------

  status set(std::string_view key, std::string_view value, const write_options& wo = {});
  /// True when the key existed.
  result<bool> del(std::string_view key);
  /// Drops `key`'s deadline, keeping its value; true when it had one.
  result<bool> persist(std::string_view key);
  /// An etcd-style transaction: compares, then success or failure ops.
  result<txn_result> txn(const txn_request& req);
  /// Commits a batch atomically; returns its revision.
  result<revision> write(batch& b);
  /// Runs `fn` as a serializable transaction, again on conflict (see tx).
  /// An error returned by `fn` aborts with no effect and is returned.
  status tx(const std::function<status(moss::tx&)>& fn, const tx_options& opts = {});

  // -- asynchronous writes (run at message rate) ------------------------------

  write_future set_async(std::string_view key, std::string_view value,
                         const write_options& wo = {});
  write_future del_async(std::string_view key);
  write_future txn_async(txn_request req);
  /// Commits `req` and calls `done` with the outcome on a store thread.
  void txn_async(txn_request req, std::function<void(result<txn_result>)> done);

  // -- watch ------------------------------------------------------------------
  //
  // A watch sees every change to what it covers after it starts, exactly once,
  // whole commits in revision order. It is registered when the call returns.
  // A watch that cannot start comes back already ended: error() says why, and
  // ended()->compact_rev is the oldest revision to start from after
  // errc::compacted.

  /// Changes to `key`.
  watch_stream watch(std::string_view key, const watch_options& wo = {});
  /// Changes to every key starting with `prefix` ("" watches everything).
  watch_stream watch_prefix(std::string_view prefix, const watch_options& wo = {});
  /// Changes to every key in [from, to); an empty `to` has no end.
  watch_stream watch_range(std::string_view from, std::string_view to,
                           const watch_options& wo = {});
  /// A watch described in full by a request (scope, start revision, filter...).
  watch_stream watch(watch_request req);
  /// The callback form: `on_event` runs on a store thread for each event, in
  /// order (keep it short, and never block on this db inside it); `on_end`
  /// runs once if the watch ends by itself. The handle cancels when destroyed.
  watch_handle watch(watch_request req, watch_callback on_event, watch_end_callback on_end = {});

  // -- the store --------------------------------------------------------------

  result<store_stats> stats() const;
  /// Writes a snapshot at the current revision and drops the log before it;
  /// reads and writes go on meanwhile. Returns when the new snapshot is in
  /// place (errc::invalid_argument for an in-memory store).
  status compact();
  /// Embedded: finishes accepted writes and stops the store. Remote: drops
  /// the connection (the node runs on). Later calls fail with errc::closed;
  /// closing twice is harmless.
  status close();
  bool is_closed() const noexcept;

  struct impl;

private:
  explicit db(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

/// Cuts the log of the (closed) store in `dir` back to its longest valid
/// prefix, so a store whose log is damaged before its tail opens again.
result<repair_report> repair(const std::string& dir);

/// The handle a closure transaction reads and writes through. Reads record
/// the revision they saw; writes are buffered (and seen by later reads of the
/// same closure); the commit succeeds only if nothing read has changed.
class tx {
public:
  result<std::optional<std::string>> get(std::string_view key);
  result<bool> exists(std::string_view key);
  void set(std::string_view key, std::string_view value, const write_options& wo = {});
  void del(std::string_view key);

private:
  friend class db;
  explicit tx(const db& d) : db_(d) {}
  txn_request to_txn() const;

  struct pending_write {
    bool erase = false;
    std::string value;
    std::optional<std::chrono::nanoseconds> ttl;
  };
  const db& db_;
  std::map<std::string, revision, std::less<>> reads_;  ///< key -> mod revision seen (0: missing)
  std::map<std::string, pending_write, std::less<>> writes_;
};

} // namespace moss
