// The TTL deadline index: every key that has an expiry deadline, ordered by
// deadline (for the timer) and findable by key (to move or drop a deadline).
// Each entry sits in both orders at once (Boost.Intrusive), one allocation.
//
//   by deadline (rbtree)          by key (hash buckets)
//   [t=5 "a"] [t=7 "b"] ...  <->  bucket[h("b")] -> [t=7 "b"]
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/intrusive/set.hpp>
#include <boost/intrusive/unordered_set.hpp>

namespace moss {

class deadline_index {
public:
  deadline_index();
  ~deadline_index();
  deadline_index(const deadline_index&) = delete;
  deadline_index& operator=(const deadline_index&) = delete;

  /// Sets `key`'s deadline (ns since the Unix epoch), replacing any earlier one.
  void set(std::string_view key, int64_t deadline);
  /// Drops `key`'s deadline, if it has one.
  void erase(std::string_view key);
  /// The deadline of `key`, or 0.
  int64_t deadline_of(std::string_view key) const;
  /// The earliest deadline, or 0 when empty.
  int64_t earliest() const noexcept;
  /// Removes and returns up to `max` (key, deadline) pairs due at `now`, earliest first.
  std::vector<std::pair<std::string, int64_t>> take_due(int64_t now, size_t max);
  size_t size() const noexcept { return by_key_.size(); }

private:
  using set_hook = boost::intrusive::set_base_hook<boost::intrusive::link_mode<boost::intrusive::normal_link>>;
  using hash_hook =
    boost::intrusive::unordered_set_base_hook<boost::intrusive::link_mode<boost::intrusive::normal_link>>;

  struct entry : set_hook, hash_hook {
    int64_t deadline = 0;
    std::string key;
  };
  struct by_deadline {
    bool operator()(const entry& a, const entry& b) const noexcept { return a.deadline < b.deadline; }
  };
  struct key_hash {
    size_t operator()(std::string_view k) const noexcept { return std::hash<std::string_view>{}(k); }
    size_t operator()(const entry& e) const noexcept { return (*this)(e.key); }
  };
  struct key_eq {
    bool operator()(const entry& a, const entry& b) const noexcept { return a.key == b.key; }
    bool operator()(std::string_view k, const entry& e) const noexcept { return k == e.key; }
  };
  using deadline_set = boost::intrusive::multiset<entry, boost::intrusive::compare<by_deadline>,
                                                  boost::intrusive::base_hook<set_hook>>;
  using key_set =
    boost::intrusive::unordered_set<entry, boost::intrusive::hash<key_hash>, boost::intrusive::equal<key_eq>,
                                    boost::intrusive::base_hook<hash_hook>,
                                    boost::intrusive::constant_time_size<true>>;

  entry* find(std::string_view key) const;
  void remove(entry* e) noexcept;
  void grow_if_needed();

  std::vector<key_set::bucket_type> buckets_;
  key_set by_key_;
  deadline_set by_deadline_;
};

} // namespace moss
