// The watch hub's logic without actors: the watchers with their filters and
// queue accounting, the index that finds them by key, and the history they
// can start from. The hub actor feeds it commit groups, requests and acks,
// and turns what it emits through a watch_sink into messages.
//
// A watcher is either live (it gets each new group as it arrives) or catching
// up (it replays the history from its position, as fast as it acks).
// Queue accounting: `sent` counts events and progress notices sent, `acked`
// what the subscriber says it consumed. A live watcher whose next group would
// push sent - acked past its limit is paced: it goes back to catching up from
// that group, so a reader that keeps reading is never cancelled. It ends with
// errc::overflow (and the revision it reached) only once the history no
// longer holds its position. A paced watcher costs the hub a few words: the
// events it has not got yet are the history's. Commits go whole while they
// fit; one with more matching events than the limit goes in fragments.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <moss/messages/watch.hpp>
#include <moss/result.hpp>

#include "core/watch_history.hpp"
#include "core/watch_index.hpp"

namespace moss {

/// Bounds of a watch hub.
struct watch_config {
  uint64_t incarnation = 0;            ///< the store's; a request naming another is refused
  size_t history_bytes = 64u << 20;    ///< bytes of recent changes kept (resumes, paced watchers)
  size_t history_ops = 4u << 20;       ///< ... and at most this many changes
  uint32_t default_queue = 4096;       ///< a watcher's limit when its request names none
  uint32_t max_queue = 1u << 22;       ///< larger requested limits are cut to this
  size_t max_key_size = 65'535;        ///< longer keys, prefixes and range ends are refused
  size_t max_watches_per_node = 1024;  ///< open watches of subscribers on one other node
};

/// Where a registry's output goes (the hub sends each as a message).
class watch_sink {
public:
  virtual ~watch_sink() = default;
  /// Events (or a progress notice) for the watcher in `slot`.
  virtual void deliver(uint32_t slot, watch_batch&& batch) = 0;
  /// The watcher in `slot` ended; the slot is reused after this returns.
  virtual void end(uint32_t slot, watch_end&& end) = 0;
};

/// Checks a watch request: a non-empty key, sizes within `max_key_size`, a
/// range with from < to (or no end), and a filter that lets something through.
status validate_watch(const watch_request& req, size_t max_key_size);

class watch_registry {
public:
  explicit watch_registry(watch_config cfg = {});

  /// A registered watcher, not yet started.
  struct added {
    uint32_t slot = 0;
    watch_id id = 0;
    revision start_rev = 0;
    uint32_t limit = 0;
    uint64_t incarnation = 0;
  };

  /// Registers a watch whose start revision is resolved (> 0). Fails with
  /// errc::invalid_argument, or errc::compacted when the start revision is
  /// older than the history (oldest_rev() tells the oldest available).
  result<added> add(watch_request req);

  /// Starts delivery to a watcher from add(): history first if its start
  /// revision is past. `now_ns` starts its progress interval.
  void start(uint32_t slot, int64_t now_ns, watch_sink& out);

  /// Dispatches a commit group to the live watchers and keeps it in the history.
  void on_group(const group_ptr& g, watch_sink& out);

  /// The subscriber consumed `consumed` items of watch `id` in total. An ack
  /// for more items than were sent (forged) or fewer than already acked is ignored.
  void ack(watch_id id, uint64_t consumed, watch_sink& out);

  /// Ends watch `id` with `code` (ok: cancelled on request). False if unknown.
  bool cancel(watch_id id, errc code, std::string message, watch_sink& out);

  /// Forgets watch `id` without a word to its subscriber (it is gone);
  /// returns the slot it freed.
  std::optional<uint32_t> drop(watch_id id);

  /// Ends every watch with `code`.
  void end_all(errc code, const std::string& message, watch_sink& out);

  /// Sends progress notices that are due; returns the next due time (0: none).
  int64_t tick(int64_t now_ns, watch_sink& out);

  /// The store recovered to `rev`: revisions up to it are not in the history.
  void reset(revision rev) { history_.reset(rev); }

  /// The history a replica's feed catches up from (see watch_history).
  const watch_history& history() const noexcept { return history_; }

  revision rev() const noexcept { return history_.last_rev(); }
  revision oldest_rev() const noexcept { return history_.oldest_rev(); }
  bool contains(watch_id id) const { return ids_.contains(id); }
  std::optional<uint32_t> slot_of(watch_id id) const {
    auto it = ids_.find(id);
    return it == ids_.end() ? std::nullopt : std::optional<uint32_t>{it->second};
  }
  size_t size() const noexcept { return ids_.size(); }
  watch_stats stats() const;
  /// Heap bytes held by watchers and the index (not the history).
  size_t memory_usage() const noexcept;

private:
  struct watcher {
    watch_id id = 0;  ///< 0: a free slot
    watch_request req;
    uint32_t limit = 0;
    bool live = false;
    revision next_rev = 0;  ///< catching up: the next revision to replay; live: the first wanted
    uint64_t sent = 0;
    uint64_t acked = 0;
    int64_t progress_ns = 0;
    int64_t next_due = 0;
    uint64_t sent_mark = 0;  ///< `sent` at the last progress check
    uint32_t next_op = 0;    ///< catching up mid-commit: the first op of next_rev not sent
    bool paced = false;      ///< it was live and fell behind its queue bound
    std::vector<watch_event> pending;  ///< events of the group being dispatched
  };

  revision reached(const watcher& w) const noexcept;
  void catch_up(uint32_t slot, watch_sink& out);
  void finish(uint32_t slot, errc code, std::string message, watch_sink* out);
  void check_compacted(watch_sink& out);

  watch_config cfg_;
  watch_history history_;
  watch_index index_;
  std::vector<watcher> watchers_;
  std::vector<uint32_t> free_;
  absl::flat_hash_map<watch_id, uint32_t> ids_;
  absl::flat_hash_set<uint32_t> catching_up_;
  absl::flat_hash_set<uint32_t> progress_;
  std::vector<uint32_t> touched_;  ///< scratch: watchers with events in the current group
  watch_id next_id_ = 1;
  uint64_t paced_total_ = 0;  ///< times a live watcher was paced
};

/// The event a watcher sees for `op`.
watch_event make_event(const write_op& op, bool with_prev);

} // namespace moss
