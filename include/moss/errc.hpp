// The error codes of mossdb: one enum shared by every layer. The CAF layer
// registers it with CAF_ERROR_CODE_ENUM so the same codes travel in messages.
#pragma once

#include <cstdint>
#include <string_view>

namespace moss {

enum class errc : uint8_t {
  ok = 0,
  invalid_argument,  ///< malformed key, oversized value, bad option
  closed,            ///< the store was closed
  io_error,          ///< a read, write or fsync failed
  no_space,          ///< the disk is full (ENOSPC)
  corruption,        ///< a log or snapshot failed its checksum before the tail
  locked,            ///< another process holds the data directory
  conflict,          ///< a transaction's read set changed; it may be retried
  too_many_retries,  ///< a closure transaction kept conflicting
  write_failed,      ///< an earlier write or fsync failed: the store is read-only
  compacted,         ///< a requested revision is older than the kept history
  overflow,          ///< a watcher fell behind its queue bound and was cancelled
  timeout,           ///< a remote peer did not answer in time
  unreachable,       ///< a remote peer went away
  aborted,           ///< a transaction closure returned an error
  busy,              ///< a peer's bound (calls in flight, watches, sessions) is reached; retry later
  refused,           ///< the message may not come from where it came from
  read_only,         ///< this store is a replica: write to its primary (the message names it)
};

/// Returns the name of `code`, e.g. "io_error".
std::string_view to_string(errc code) noexcept;

} // namespace moss
