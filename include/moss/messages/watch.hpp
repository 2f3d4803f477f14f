// Watch messages: what a watcher asks for, the events it receives, and how a
// watch ends. Plain structs with their `inspect`, so they can cross a process.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <moss/errc.hpp>
#include <moss/messages/kv.hpp>

namespace moss {

/// Names one watch of a store (unique per store, never reused).
using watch_id = uint64_t;

/// What happened to a key.
enum class event_kind : uint8_t {
  create,    ///< a put made the key live
  update,    ///< a put replaced a live value
  del,       ///< a request deleted the key
  expire,    ///< the key's TTL ran out
  progress,  ///< no change: the stream is idle and has seen every revision up to `rev`
};

/// Which kinds of change a watcher wants (bits; combine with |).
enum class watch_filter : uint8_t {
  none = 0,
  puts = 1,     ///< create and update
  deletes = 2,
  expires = 4,
  all = 7,
};

constexpr watch_filter operator|(watch_filter a, watch_filter b) noexcept {
  return static_cast<watch_filter>(static_cast<uint8_t>(a) | static_cast<uint8_t>(b));
}

/// True when `filter` lets events of `kind` through (progress always passes).
constexpr bool wants(watch_filter filter, event_kind kind) noexcept {
  auto bits = static_cast<uint8_t>(filter);
  switch (kind) {
    case event_kind::create:
    case event_kind::update: return (bits & 1) != 0;
    case event_kind::del: return (bits & 2) != 0;
    case event_kind::expire: return (bits & 4) != 0;
    case event_kind::progress: return true;
  }
  return false;
}

/// One change to one key, as a watcher receives it.
struct watch_event {
  event_kind kind = event_kind::create;
  revision rev = 0;        ///< the commit's revision
  std::string key;
  std::string value;       ///< create/update: the new value
  bool has_prev = false;   ///< the watcher asked for previous values and the key was live
  std::string prev_value;  ///< the value before this change (when has_prev)
  record_meta meta;        ///< create/update: the new entry's revisions, version, deadline

  friend bool operator==(const watch_event&, const watch_event&) = default;
};

/// What a watch covers.
enum class watch_scope : uint8_t {
  key,     ///< exactly `key`
  prefix,  ///< every key starting with `key` (empty: every key)
  range,   ///< every key in [key, range_end); empty range_end: no end
};

/// A request to watch a key, a prefix or a range.
struct watch_request {
  watch_scope scope = watch_scope::key;
  std::string key;             ///< the key, the prefix, or the first key of the range
  std::string range_end;       ///< range only: first key past the range; empty = no end
  revision start_rev = 0;      ///< first revision to deliver; 0 = the next commit
  bool prev_value = false;     ///< events carry the previous value
  watch_filter kinds = watch_filter::all;
  uint32_t queue_limit = 0;    ///< events sent but not acknowledged (more wait); 0 = the hub's default
  uint32_t progress_ms = 0;    ///< when idle this long, send a progress notice; 0 = never
  /// The store incarnation the watcher's revisions come from (watch_created
  /// says it); another one is refused with errc::compacted. 0 = any.
  uint64_t incarnation = 0;

  static watch_request for_key(std::string key) {
    watch_request r;
    r.key = std::move(key);
    return r;
  }
  static watch_request for_prefix(std::string prefix) {
    watch_request r;
    r.scope = watch_scope::prefix;
    r.key = std::move(prefix);
    return r;
  }
  static watch_request for_range(std::string from, std::string to) {
    watch_request r;
    r.scope = watch_scope::range;
    r.key = std::move(from);
    r.range_end = std::move(to);
    return r;
  }
};

/// The answer to a watch request.
struct watch_created {
  watch_id id = 0;
  revision start_rev = 0;    ///< the first revision the watch delivers
  uint32_t queue_limit = 0;  ///< the limit in force: ack before this many are outstanding
  uint64_t incarnation = 0;  ///< the store's: resume with it
};

/// Events for one watch, in revision order. Every change up to `rev` that
/// the watch covers has now been sent. No events: a progress notice. Commits
/// come whole, except one with more events than the watch's queue limit: it
/// comes in fragments, `fragment` set on all but the last (each of those
/// alone in its batch, its `rev` the revision before the commit's).
struct watch_batch {
  watch_id id = 0;
  revision rev = 0;
  std::vector<watch_event> events;
  bool fragment = false;
};

/// The last message of a watch: no events follow it.
struct watch_end {
  watch_id id = 0;
  /// ok: cancelled by request; overflow: fell so far behind that the history
  /// no longer holds its position; compacted: a watch started in the past
  /// whose history was discarded before it got there; closed: the
  /// store stopped; invalid_argument: the request was malformed.
  errc code = errc::ok;
  revision reached = 0;      ///< every covered change up to here was sent: resume at reached + 1
  revision compact_rev = 0;  ///< compacted: the oldest revision a watch can start from
  std::string message;
};

/// What a watch hub holds.
struct watch_stats {
  uint64_t watchers = 0;
  uint64_t catching_up = 0;      ///< watchers replaying history
  revision rev = 0;              ///< the last revision the hub has seen
  revision oldest_rev = 0;       ///< the oldest revision a watch can start from
  uint64_t history_events = 0;
  uint64_t history_bytes = 0;
  uint64_t paced = 0;            ///< times a watcher fell behind its queue and was paced
  uint64_t incarnation = 0;      ///< the store's (see watch_request::incarnation)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, watch_event& x) {
  return f(x.kind, x.rev, x.key, x.value, x.has_prev, x.prev_value, x.meta);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, watch_request& x) {
  return f(x.scope, x.key, x.range_end, x.start_rev, x.prev_value, x.kinds, x.queue_limit,
           x.progress_ms, x.incarnation);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, watch_created& x) {
  return f(x.id, x.start_rev, x.queue_limit, x.incarnation);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, watch_batch& x) {
  return f(x.id, x.rev, x.events, x.fragment);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, watch_end& x) {
  return f(x.id, x.code, x.reached, x.compact_rev, x.message);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, watch_stats& x) {
  return f(x.watchers, x.catching_up, x.rev, x.oldest_rev, x.history_events, x.history_bytes,
           x.paced, x.incarnation);
}

} // namespace moss
