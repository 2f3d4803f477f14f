// A write group: the changes of consecutive commits the coordinator decided
// together, in revision order. The log writes it first, then shards apply
// it, and it becomes the change message listeners (watch hub, TTL timer)
// receive.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <moss/record_meta.hpp>

#include "core/completion.hpp"

namespace moss {

enum class change_kind : uint8_t {
  put,     ///< key created or updated
  del,     ///< key deleted by a request
  expire,  ///< key deleted because its TTL ran out
};

/// One change to one key.
///
/// A put is decided blind: the coordinator does not look up the entry it
/// replaces. Its `meta` (create revision, version) and `existed` are resolved
/// from the state before it, either by the coordinator when a later commit of
/// the same group reads the key, or by the owning shard when it applies the
/// op. Those three fields are therefore written by at most one shard, and
/// read by anyone else only after the group is applied.
struct write_op {
  change_kind kind = change_kind::put;
  uint32_t shard = 0;   ///< the shard owning the key
  revision rev = 0;     ///< the commit's revision
  int32_t prev = -1;    ///< index of the group's previous change to this key
  std::string key;
  std::string value;    ///< put: the new value
  mutable bool resolved = false;  ///< put: meta and existed are final
  mutable bool existed = false;   ///< the key was live before this change
  mutable record_meta meta;       ///< put: the entry's metadata (mod_rev, expiry set at once)
  /// The value the key had before this change, when the group asked for
  /// previous values (write_group::capture_prev) and the key was live.
  mutable std::optional<std::string> prev_value;
};

/// Resolves a put against the entry it replaces (null if none was live).
inline void resolve_put(const write_op& op, const record_meta* before) noexcept {
  op.existed = before != nullptr;
  if (before != nullptr) {
    op.meta.create_rev = before->create_rev;
    op.meta.version = before->version + 1;
  } else {
    op.meta.create_rev = op.rev;
    op.meta.version = 1;
  }
  op.resolved = true;
}

/// The ops of one commit: ops[first, first + count) at revision rev.
struct commit_span {
  revision rev = 0;
  uint32_t first = 0;
  uint32_t count = 0;
};

/// An embedded caller's commit: answered when the group is released (see
/// write_group::release_replies).
struct local_reply {
  reply_token_ptr token;
  txn_outcome result;
};

struct write_group {
  int64_t now = 0;  ///< the clock reading that decides what has expired
  bool capture_prev = false;  ///< shards record each op's previous value
  std::vector<write_op> ops;
  std::vector<commit_span> commits;
  /// Answers for embedded callers. Touched once, by release_replies, on the
  /// thread of the shard that applied the group's last part.
  mutable std::vector<local_reply> replies;
  size_t log_bytes = 0;  ///< about how many bytes its records take in the log

  /// The release point of the group's embedded callers: called once, when
  /// the group is in the log (and synced, under fsync always) and every
  /// shard has applied it, so each answer is both durable and visible.
  void release_replies() const {
    for (local_reply& r : replies)
      r.token->complete(std::move(r.result));
    replies.clear();
  }
  /// Answers every embedded caller with `why` instead (the log failed).
  void fail_replies(const status& why) const {
    for (local_reply& r : replies)
      r.token->complete(why);
    replies.clear();
  }
  uint32_t shards_touched = 0;  ///< distinct shards with ops in this group
  /// Shards that have not applied their part yet (see keyspace::apply).
  mutable std::atomic<uint32_t> shards_pending{0};

  revision last_rev() const noexcept { return commits.empty() ? 0 : commits.back().rev; }
};

using group_ptr = std::shared_ptr<const write_group>;

} // namespace moss
