// Checks requests against the store's limits before they reach an actor, so
// bad input gets a clear error and never touches committed data.
#pragma once

#include <string_view>

#include <moss/messages/scan.hpp>
#include <moss/messages/txn.hpp>
#include <moss/options.hpp>
#include <moss/status.hpp>

namespace moss {

/// A key must be non-empty and at most max_key_size bytes.
status validate_key(std::string_view key, const limits& lim);

/// Every key, value, TTL and the op count of a transaction.
status validate_txn(const txn_request& req, const limits& lim);

/// The limits themselves: max_commit_bytes fits a log record.
status validate_limits(const limits& lim);

/// A range scan needs from < to (or no end); a prefix may be empty.
status validate_scan(const scan_request& req, const limits& lim);

} // namespace moss
