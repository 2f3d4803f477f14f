// Decides what a commit does: evaluates its compares, picks a branch and turns
// its ops into changes, against the committed state plus the changes of the
// earlier commits of the same group (which shards have not applied yet).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_set.h>
#include <absl/hash/hash.h>

#include <moss/messages/txn.hpp>

#include "core/keyspace.hpp"
#include "core/write_group.hpp"

namespace moss {

/// The state a commit sees: the keyspace, overlaid by the group's earlier changes.
class commit_view {
public:
  commit_view(const keyspace& ks, const std::vector<write_op>& group_ops, int64_t now)
    : ks_(ks), ops_(group_ops), now_(now) {}

  /// The entry as it was before group_ops[index] (nullopt: not live).
  std::optional<kv> before(uint32_t index, bool with_value) const;

  /// The live entry under `key` as of the changes recorded so far (with
  /// `include_expired`, also one whose deadline has passed).
  std::optional<kv> lookup(std::string_view key, bool with_value, bool include_expired = false) const;

  /// Live keys starting with `prefix`, in order.
  std::vector<std::string> keys_with_prefix(std::string_view prefix) const;

  /// Notes that group_ops[index] is the latest change to its key (and links
  /// it to the change it follows).
  void note(uint32_t index);

  /// Forgets the changes group_ops[first, end) (newest first), so the ops
  /// can be cut back to `first`: a refused commit leaves no trace.
  void forget_from(uint32_t first);

  int64_t now() const noexcept { return now_; }

private:
  // The group's latest change per key, as an index into ops_: hashed and
  // compared by the op's key, so no key is copied.
  struct by_key {
    using is_transparent = void;
    const std::vector<write_op>* ops;
    std::string_view key(uint32_t i) const { return (*ops)[i].key; }
    static std::string_view key(std::string_view k) { return k; }
    size_t operator()(uint32_t i) const { return absl::Hash<std::string_view>{}(key(i)); }
    size_t operator()(std::string_view k) const { return absl::Hash<std::string_view>{}(k); }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const { return key(a) == key(b); }
  };

  const keyspace& ks_;
  const std::vector<write_op>& ops_;
  int64_t now_;
  absl::flat_hash_set<uint32_t, by_key, by_key> latest_{0, by_key{&ops_}, by_key{&ops_}};
};

/// Evaluates `req` as the commit at revision `rev`: appends its changes to
/// `ops` (noting each in `view`) and returns its result. A commit that changes
/// nothing appends nothing; the caller then does not spend the revision.
/// Keys and values of puts are moved out of `req`. A commit whose log record
/// would exceed `max_commit_bytes` (a del_prefix over many keys) fails with
/// errc::invalid_argument and appends nothing. `log_bytes` grows by the
/// bytes the commit's record takes.
result<txn_result> evaluate_txn(txn_request& req, revision rev, const keyspace& ks,
                                commit_view& view, std::vector<write_op>& ops,
                                size_t max_commit_bytes, size_t& log_bytes);

} // namespace moss
