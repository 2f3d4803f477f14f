// The watcher index: which watchers cover a key. Matching one key costs a few
// ordered lookups, never a scan of all watchers.
//
//   exact keys   absl::flat_hash_map  key    -> slots        one hash lookup
//   prefixes     std::map (sorted)    prefix -> slots        walk, see below
//   ranges       sorted by `from`, with a max-`to` tree over them
//
// Prefix walk for key k: take p, the greatest prefix <= x (x = k at first).
// If p is a prefix of k it matches, and only shorter prefixes remain: x =
// k[0, |p| - 1). Otherwise no prefix of k longer than lcp(p, x) can be in the
// set (it would sit between p and x), so x = k[0, lcp). x shrinks each step:
// the walk costs (matches + 1) lookups when prefixes do not nest deeply.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include <moss/messages/watch.hpp>

#include "common/function_ref.hpp"

namespace moss {

class watch_index {
public:
  using slot = uint32_t;

  /// Adds `s` under the key, prefix or range of `req`.
  void add(const watch_request& req, slot s);
  /// Removes `s` from where `req` put it; a no-op if it is not there.
  void remove(const watch_request& req, slot s);
  /// Calls `fn` once for every slot whose key, prefix or range covers `key`.
  void for_each_match(std::string_view key, function_ref<void(slot)> fn) const;

  size_t size() const noexcept { return size_; }
  /// Heap bytes held (approximate).
  size_t memory_usage() const noexcept;

private:
  struct range {
    std::string from;
    std::string to;  ///< empty: no end
    slot s;
  };

  void match_prefixes(std::string_view key, function_ref<void(slot)> fn) const;
  void match_ranges(std::string_view key, function_ref<void(slot)> fn) const;
  void rebuild_ranges() const;
  void visit(size_t node, size_t lo, size_t hi, size_t end, std::string_view key,
             function_ref<void(slot)> fn) const;

  absl::flat_hash_map<std::string, std::vector<slot>> exact_;
  std::map<std::string, std::vector<slot>, std::less<>> prefixes_;
  std::vector<range> ranges_;
  // Built lazily from ranges_ when a match needs them after a change:
  mutable bool ranges_dirty_ = false;
  mutable std::vector<uint32_t> by_from_;  ///< indices into ranges_, sorted by from
  mutable std::vector<int32_t> max_to_;    ///< segment tree: index of the largest `to` (-1: none)
  mutable size_t leaves_ = 0;
  size_t size_ = 0;
};

/// True when `req`'s key, prefix or range covers `key` (no index needed).
bool covers(const watch_request& req, std::string_view key) noexcept;

} // namespace moss
