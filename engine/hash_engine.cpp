// The hash engine's operations.
#include "engine/hash_engine.hpp"

#include <algorithm>
#include <vector>

namespace moss {

hash_engine::~hash_engine() {
  clear();
}

const record* hash_engine::find(std::string_view key) const {
  auto it = set_.find(key);
  return it == set_.end() ? nullptr : *it;
}

record_ptr hash_engine::put(record_ptr rec) {
  record_bytes_ += rec->footprint();
  auto [it, inserted] = set_.insert(rec.get());
  record* fresh = rec.release();
  if (inserted)
    return nullptr;
  // Same key, same hash: swapping the pointer in its slot keeps the table valid.
  record*& slot = const_cast<record*&>(*it);
  record_ptr old{slot};
  slot = fresh;
  record_bytes_ -= old->footprint();
  return old;
}

record_ptr hash_engine::erase(std::string_view key) {
  auto it = set_.find(key);
  if (it == set_.end())
    return nullptr;
  record_ptr old{*it};
  set_.erase(it);
  record_bytes_ -= old->footprint();
  return old;
}

size_t hash_engine::memory_usage() const {
  // One pointer slot plus one control byte per bucket.
  return record_bytes_ + set_.capacity() * (sizeof(record*) + 1) + sizeof(*this);
}

template <class Keep>
void hash_engine::visit_sorted(Keep keep, size_t limit, record_visitor fn) const {
  std::vector<const record*> hits;
  for (const record* r : set_)
    if (keep(r->key()))
      hits.push_back(r);
  auto by_key = [](const record* a, const record* b) { return a->key() < b->key(); };
  if (limit != 0 && limit < hits.size()) {
    std::partial_sort(hits.begin(), hits.begin() + static_cast<ptrdiff_t>(limit), hits.end(),
                      by_key);
    hits.resize(limit);
  } else {
    std::sort(hits.begin(), hits.end(), by_key);
  }
  for (const record* r : hits)
    if (!fn(*r))
      return;
}

void hash_engine::scan_prefix(std::string_view prefix, size_t limit, record_visitor fn) const {
  visit_sorted([prefix](std::string_view key) { return key.starts_with(prefix); }, limit, fn);
}

void hash_engine::scan_range(std::string_view from, std::string_view to, size_t limit,
                             record_visitor fn) const {
  visit_sorted([from, to](std::string_view key) { return key >= from && (to.empty() || key < to); },
               limit, fn);
}

void hash_engine::for_each(record_visitor fn) const {
  for (const record* r : set_)
    if (!fn(*r))
      return;
}

void hash_engine::clear() {
  for (record* r : set_)
    record_deleter{}(r);
  set_.clear();
  record_bytes_ = 0;
}

} // namespace moss
