// The watcher index: exact keys, a prefix walk, and a stabbing query over ranges.
#include "core/watch_index.hpp"

#include <algorithm>

namespace moss {

namespace {

void erase_slot(std::vector<watch_index::slot>& v, watch_index::slot s) {
  auto it = std::find(v.begin(), v.end(), s);
  if (it != v.end()) {
    *it = v.back();
    v.pop_back();
  }
}

size_t common_prefix(std::string_view a, std::string_view b) noexcept {
  size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i])
    ++i;
  return i;
}

// Range ends compare with "no end" above every key.
bool end_after(const std::string& to, std::string_view key) noexcept {
  return to.empty() || std::string_view{to} > key;
}

bool end_less(const std::string& a, const std::string& b) noexcept {
  if (a.empty())
    return false;
  return b.empty() || a < b;
}

} // namespace

bool covers(const watch_request& req, std::string_view key) noexcept {
  switch (req.scope) {
    case watch_scope::key: return key == req.key;
    case watch_scope::prefix: return key.starts_with(req.key);
    case watch_scope::range: return key >= std::string_view{req.key} && end_after(req.range_end, key);
  }
  return false;
}

void watch_index::add(const watch_request& req, slot s) {
  switch (req.scope) {
    case watch_scope::key: exact_[req.key].push_back(s); break;
    case watch_scope::prefix: prefixes_[req.key].push_back(s); break;
    case watch_scope::range:
      ranges_.push_back({req.key, req.range_end, s});
      ranges_dirty_ = true;
      break;
  }
  ++size_;
}

void watch_index::remove(const watch_request& req, slot s) {
  switch (req.scope) {
    case watch_scope::key:
      if (auto it = exact_.find(req.key); it != exact_.end()) {
        size_t n = it->second.size();
        erase_slot(it->second, s);
        size_ -= n - it->second.size();
        if (it->second.empty())
          exact_.erase(it);
      }
      break;
    case watch_scope::prefix:
      if (auto it = prefixes_.find(req.key); it != prefixes_.end()) {
        size_t n = it->second.size();
        erase_slot(it->second, s);
        size_ -= n - it->second.size();
        if (it->second.empty())
          prefixes_.erase(it);
      }
      break;
    case watch_scope::range:
      for (size_t i = 0; i < ranges_.size(); ++i) {
        if (ranges_[i].s == s) {
          ranges_[i] = std::move(ranges_.back());
          ranges_.pop_back();
          ranges_dirty_ = true;
          --size_;
          break;
        }
      }
      break;
  }
}

void watch_index::for_each_match(std::string_view key, function_ref<void(slot)> fn) const {
  if (!exact_.empty())
    if (auto it = exact_.find(absl::string_view{key.data(), key.size()}); it != exact_.end())
      for (slot s : it->second)
        fn(s);
  if (!prefixes_.empty())
    match_prefixes(key, fn);
  if (!ranges_.empty())
    match_ranges(key, fn);
}

void watch_index::match_prefixes(std::string_view key, function_ref<void(slot)> fn) const {
  std::string_view x = key;
  for (;;) {
    auto it = prefixes_.upper_bound(x);
    if (it == prefixes_.begin())
      return;
    --it;  // the greatest prefix <= x
    const std::string& p = it->first;
    size_t lcp = common_prefix(p, x);
    if (lcp == p.size()) {
      for (slot s : it->second)
        fn(s);
      if (p.empty())
        return;
      x = key.substr(0, p.size() - 1);
    } else {
      x = key.substr(0, lcp);
    }
  }
}

// The ranges sorted by `from`, and a segment tree whose node holds the range
// with the largest `to` below it: a query descends only into nodes that
// reach past the key, so it costs O((matches + 1) log n).
void watch_index::rebuild_ranges() const {
  ranges_dirty_ = false;
  by_from_.resize(ranges_.size());
  for (uint32_t i = 0; i < by_from_.size(); ++i)
    by_from_[i] = i;
  std::sort(by_from_.begin(), by_from_.end(),
            [&](uint32_t a, uint32_t b) { return ranges_[a].from < ranges_[b].from; });
  leaves_ = 1;
  while (leaves_ < by_from_.size())
    leaves_ *= 2;
  max_to_.assign(2 * leaves_, -1);
  for (size_t i = 0; i < by_from_.size(); ++i)
    max_to_[leaves_ + i] = static_cast<int32_t>(by_from_[i]);
  for (size_t n = leaves_ - 1; n >= 1; --n) {
    int32_t a = max_to_[2 * n];
    int32_t b = max_to_[2 * n + 1];
    if (a < 0 || (b >= 0 && end_less(ranges_[static_cast<size_t>(a)].to,
                                     ranges_[static_cast<size_t>(b)].to)))
      a = b;
    max_to_[n] = a;
  }
}

void watch_index::visit(size_t node, size_t lo, size_t hi, size_t end, std::string_view key,
                        function_ref<void(slot)> fn) const {
  if (lo >= end)
    return;
  int32_t best = max_to_[node];
  if (best < 0 || !end_after(ranges_[static_cast<size_t>(best)].to, key))
    return;
  if (hi - lo == 1) {
    fn(ranges_[static_cast<size_t>(best)].s);
    return;
  }
  size_t mid = lo + (hi - lo) / 2;
  visit(2 * node, lo, mid, end, key, fn);
  visit(2 * node + 1, mid, hi, end, key, fn);
}

void watch_index::match_ranges(std::string_view key, function_ref<void(slot)> fn) const {
  if (ranges_dirty_)
    rebuild_ranges();
  // Ranges with from <= key are the first `end` of by_from_.
  auto it = std::upper_bound(by_from_.begin(), by_from_.end(), key,
                             [&](std::string_view k, uint32_t i) { return k < ranges_[i].from; });
  size_t end = static_cast<size_t>(it - by_from_.begin());
  visit(1, 0, leaves_, end, key, fn);
}

size_t watch_index::memory_usage() const noexcept {
  size_t n = exact_.capacity() * (sizeof(std::string) + sizeof(std::vector<slot>) + 1);
  for (const auto& [k, v] : exact_)
    n += (k.size() > 15 ? k.capacity() : 0) + v.capacity() * sizeof(slot);
  for (const auto& [k, v] : prefixes_)
    n += 64 + (k.size() > 15 ? k.capacity() : 0) + v.capacity() * sizeof(slot);
  n += ranges_.capacity() * sizeof(range) + by_from_.capacity() * 4 + max_to_.capacity() * 4;
  for (const auto& r : ranges_)
    n += (r.from.size() > 15 ? r.from.capacity() : 0) + (r.to.size() > 15 ? r.to.capacity() : 0);
  return n;
}

} // namespace moss
