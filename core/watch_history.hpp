// The watch hub's history: the most recent commit groups, kept as the shared
// groups themselves (no copy), so a watch can start from a past revision.
// Bounded by ops and bytes; the oldest groups go first, whole.
//
//   compacted_ | group 1 (revs a..b) | group 2 (b+1..c) | ... | newest (..last_rev)
//              ^ oldest_rev() = compacted_ + 1
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

#include "core/write_group.hpp"
#include "common/function_ref.hpp"

namespace moss {

class watch_history {
public:
  /// Keeps at most `max_ops` changes and about `max_bytes` of them.
  watch_history(size_t max_ops, size_t max_bytes) : max_ops_(max_ops), max_bytes_(max_bytes) {}

  /// Appends a group whose first revision follows last_rev(); a gap (or a
  /// first group after recovery) makes everything before it unavailable.
  /// Then drops the oldest groups while over a bound.
  void push(group_ptr g);

  /// Everything up to `rev` is unavailable (e.g. the store recovered to it).
  void reset(revision rev);

  /// The newest revision seen.
  revision last_rev() const noexcept { return last_; }
  /// The oldest revision a watch can start from.
  revision oldest_rev() const noexcept { return compacted_ + 1; }

  /// Calls `fn(rev, ops, count)` for each commit with revision >= `from`, in
  /// order, until `fn` returns false. `from` must be >= oldest_rev().
  void for_each_commit_from(revision from,
                            function_ref<bool(revision, const write_op*, uint32_t)> fn) const;

  /// Calls `fn(group)` for each group holding a commit with revision >=
  /// `from` (the first may also hold older ones), in order, until `fn`
  /// returns false. `from` must be >= oldest_rev().
  void for_each_group_from(revision from, function_ref<bool(const group_ptr&)> fn) const;

  size_t ops() const noexcept { return ops_; }
  size_t bytes() const noexcept { return bytes_; }
  size_t groups() const noexcept { return groups_.size(); }

  /// The bytes a group holds, as counted against the bound.
  static size_t bytes_of(const write_group& g) noexcept;

private:
  struct entry {
    group_ptr group;
    revision first = 0;  ///< the group's first revision
    size_t bytes = 0;
  };

  size_t max_ops_;
  size_t max_bytes_;
  std::deque<entry> groups_;
  revision compacted_ = 0;
  revision last_ = 0;
  size_t ops_ = 0;
  size_t bytes_ = 0;
};

} // namespace moss
