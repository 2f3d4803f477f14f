// Messages that only ever travel inside one process: they carry pointers (a
// reply token, a shared write group) and are never serialized.
#pragma once

#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>

#include <moss/messages/txn.hpp>

#include "core/completion.hpp"
#include "core/snapshot_job.hpp"
#include "core/write_group.hpp"

namespace moss {

/// A commit from the embedded facade; the outcome goes to the token.
struct local_commit {
  txn_request req;
  reply_token_ptr token;
};

/// A request from the embedded facade answered through a token: close
/// (finish accepted commits, make them durable, take no new ones) or compact.
struct local_ack {
  reply_token_ptr token;
};

/// Commit groups a replica's primary decided, for its coordinator to log and
/// apply with their revisions (see core/replicated_group.hpp).
struct replicated_batch {
  std::vector<std::shared_ptr<write_group>> groups;
};

/// A replica's full sync, for its coordinator: `fresh` holds the primary's
/// snapshot (already read and checked), which is the file `snap.name` in
/// the data directory.
struct replica_install {
  std::shared_ptr<keyspace> fresh;
  snapshot_outcome snap;
};

} // namespace moss

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(moss::replicated_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(moss::replica_install)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(moss::local_commit)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(moss::local_ack)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(moss::group_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(moss::snapshot_outcome)
