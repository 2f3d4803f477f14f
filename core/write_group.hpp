// A write group: the changes of consecutive commits the coordinator decided
// together, in revision order. Shards apply it, and it becomes the change
// message listeners (watch hub, and later the log) receive.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/record_meta.hpp"
#include "core/completion.hpp"

namespace moss {

enum class change_kind : uint8_t {
  put,     ///< key created or updated
  del,     ///< key deleted by a request
  expire,  ///< key deleted because its TTL ran out
};

/// One change to one key.
struct write_op {
  change_kind kind = change_kind::put;
  uint32_t shard = 0;  ///< the shard owning the key
  revision rev = 0;    ///< the commit's revision
  bool existed = false;  ///< the key existed before (put: update rather than create)
  std::string key;
  std::string value;  ///< put: the new value
  record_meta meta;   ///< put: the new entry's metadata
};

/// The ops of one commit: ops[first, first + count) at revision rev.
struct commit_span {
  revision rev = 0;
  uint32_t first = 0;
  uint32_t count = 0;
};

/// An embedded caller's commit: answered by the last shard to apply the group.
struct local_reply {
  reply_token_ptr token;
  txn_result result;
};

struct write_group {
  std::vector<write_op> ops;
  std::vector<commit_span> commits;
  /// Answers for embedded callers; only the shard that applies the group's
  /// last part touches them (keyspace::apply tells it so).
  mutable std::vector<local_reply> replies;
  uint32_t shards_touched = 0;  ///< distinct shards with ops in this group
  /// Shards that have not applied their part yet (see keyspace::apply).
  mutable std::atomic<uint32_t> shards_pending{0};

  revision last_rev() const noexcept { return commits.empty() ? 0 : commits.back().rev; }
};

using group_ptr = std::shared_ptr<const write_group>;

} // namespace moss
