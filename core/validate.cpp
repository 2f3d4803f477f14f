// Request validation against limits.
#include "core/validate.hpp"

#include <algorithm>
#include <string>

#include "persistence/log_format.hpp"
#include "persistence/wal_record.hpp"

namespace moss {

namespace {

status too_big(std::string_view what, size_t size, size_t max) {
  return {errc::invalid_argument,
          std::string{what} + " of " + std::to_string(size) + " bytes exceeds the limit of "
            + std::to_string(max)};
}

status validate_op(const txn_op& op, const limits& lim) {
  if (op.kind == op_kind::del_prefix) {
    if (op.key.size() > lim.max_key_size)
      return too_big("prefix", op.key.size(), lim.max_key_size);
    return status::ok();
  }
  if (auto st = validate_key(op.key, lim); !st)
    return st;
  if (op.kind == op_kind::put) {
    if (op.value.size() > lim.max_value_size)
      return too_big("value", op.value.size(), lim.max_value_size);
    if (op.ttl && op.ttl->count() <= 0)
      return {errc::invalid_argument, "a TTL must be positive, got " + std::to_string(op.ttl->count()) + " ns"};
  }
  return status::ok();
}

} // namespace

status validate_key(std::string_view key, const limits& lim) {
  if (key.empty())
    return {errc::invalid_argument, "a key must not be empty"};
  if (key.size() > lim.max_key_size)
    return too_big("key", key.size(), lim.max_key_size);
  return status::ok();
}

status validate_txn(const txn_request& req, const limits& lim) {
  size_t ops = req.compares.size() + req.success.size() + req.failure.size();
  if (ops > lim.max_ops_per_txn)
    return {errc::invalid_argument, "a transaction of " + std::to_string(ops)
                                       + " ops and compares exceeds the limit of "
                                       + std::to_string(lim.max_ops_per_txn)};
  for (const compare& c : req.compares) {
    if (auto st = validate_key(c.key, lim); !st)
      return st;
    if (c.value.size() > lim.max_value_size)
      return too_big("compare value", c.value.size(), lim.max_value_size);
  }
  for (const auto* branch : {&req.success, &req.failure}) {
    // The bytes the branch's record will take at most for what is known now
    // (a del_prefix's deletions and a persist's value are only known when it
    // runs: the coordinator checks those; a get is not logged).
    size_t bytes = encoded_commit_overhead;
    for (const txn_op& op : *branch) {
      if (auto st = validate_op(op, lim); !st)
        return st;
      if (op.kind == op_kind::put)
        bytes += encoded_put_size(op.key.size(), op.value.size());
      else if (op.kind == op_kind::del || op.kind == op_kind::expire_if)
        bytes += encoded_del_size(op.key.size());
    }
    if (bytes > lim.max_commit_bytes)
      return {errc::invalid_argument, "the commit would take " + std::to_string(bytes)
                                        + " bytes in the log, over the limit of "
                                        + std::to_string(lim.max_commit_bytes) + " for one commit"};
  }
  return status::ok();
}

status validate_limits(const limits& lim) {
  if (lim.max_commit_bytes == 0 || lim.max_commit_bytes > log_format::max_payload)
    return {errc::invalid_argument, "max_commit_bytes must be between 1 and "
                                      + std::to_string(log_format::max_payload)};
  return status::ok();
}

status validate_scan(const scan_request& req, const limits& lim) {
  if (req.from.size() > lim.max_key_size || req.to.size() > lim.max_key_size)
    return {errc::invalid_argument, "a scan bound exceeds the key size limit"};
  if (!req.by_prefix && !req.to.empty() && req.to <= req.from)
    return {errc::invalid_argument, "a range scan needs from < to"};
  return status::ok();
}

} // namespace moss
