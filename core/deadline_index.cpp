// The deadline index's operations.
#include "core/deadline_index.hpp"

namespace moss {

deadline_index::deadline_index()
  : buckets_(64), by_key_(key_set::bucket_traits(buckets_.data(), buckets_.size())) {}

deadline_index::~deadline_index() {
  by_key_.clear();
  by_deadline_.clear_and_dispose([](entry* e) { delete e; });
}

deadline_index::entry* deadline_index::find(std::string_view key) const {
  auto it = by_key_.find(key, key_hash{}, key_eq{});
  return it == by_key_.end() ? nullptr : const_cast<entry*>(&*it);
}

void deadline_index::remove(entry* e) noexcept {
  by_key_.erase(by_key_.iterator_to(*e));
  by_deadline_.erase(by_deadline_.iterator_to(*e));
  delete e;
}

void deadline_index::grow_if_needed() {
  if (by_key_.size() < buckets_.size())
    return;
  std::vector<key_set::bucket_type> bigger(buckets_.size() * 2);
  by_key_.rehash(key_set::bucket_traits(bigger.data(), bigger.size()));
  buckets_.swap(bigger);
}

void deadline_index::set(std::string_view key, int64_t deadline) {
  if (deadline == 0) {
    erase(key);
    return;
  }
  if (entry* e = find(key)) {  // move it within the deadline order
    by_deadline_.erase(by_deadline_.iterator_to(*e));
    e->deadline = deadline;
    by_deadline_.insert(*e);
    return;
  }
  grow_if_needed();
  auto* e = new entry;
  e->deadline = deadline;
  e->key.assign(key);
  by_key_.insert(*e);
  by_deadline_.insert(*e);
}

void deadline_index::erase(std::string_view key) {
  if (entry* e = find(key))
    remove(e);
}

int64_t deadline_index::deadline_of(std::string_view key) const {
  entry* e = find(key);
  return e == nullptr ? 0 : e->deadline;
}

int64_t deadline_index::earliest() const noexcept {
  return by_deadline_.empty() ? 0 : by_deadline_.begin()->deadline;
}

std::vector<std::pair<std::string, int64_t>> deadline_index::take_due(int64_t now, size_t max) {
  std::vector<std::pair<std::string, int64_t>> due;
  while (!by_deadline_.empty() && due.size() < max && by_deadline_.begin()->deadline <= now) {
    entry* e = &*by_deadline_.begin();
    due.emplace_back(e->key, e->deadline);  // copied: erasing re-hashes the key
    remove(e);
  }
  return due;
}

} // namespace moss
