// Decides what a commit does: evaluates its compares, picks a branch and turns
// its ops into changes, against the committed state plus the changes of the
// earlier commits of the same group (which shards have not applied yet).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "core/keyspace.hpp"
#include "core/write_group.hpp"
#include "messages/txn.hpp"

namespace moss {

/// The state a commit sees: the keyspace, overlaid by the group's earlier changes.
class commit_view {
public:
  commit_view(const keyspace& ks, const std::vector<write_op>& group_ops, int64_t now)
    : ks_(ks), ops_(group_ops), now_(now) {}

  /// The live entry under `key` as of the changes recorded so far.
  std::optional<kv> lookup(std::string_view key, bool with_value) const;

  /// Live keys starting with `prefix`, in order.
  std::vector<std::string> keys_with_prefix(std::string_view prefix) const;

  /// Notes that group_ops[index] is the latest change to its key.
  void note(uint32_t index);

  int64_t now() const noexcept { return now_; }

private:
  const keyspace& ks_;
  const std::vector<write_op>& ops_;
  int64_t now_;
  absl::flat_hash_map<std::string, uint32_t> latest_;  // key -> index into ops_
};

/// Evaluates `req` as the commit at revision `rev`: appends its changes to
/// `ops` (noting each in `view`) and returns its result. A commit that changes
/// nothing appends nothing; the caller then does not spend the revision.
txn_result evaluate_txn(const txn_request& req, revision rev, const keyspace& ks,
                        commit_view& view, std::vector<write_op>& ops);

} // namespace moss
