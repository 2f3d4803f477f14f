// The hash engine: an open-addressing hash set of record pointers keyed by the
// record's own key bytes. Point reads and writes are one probe; scans collect
// the matches and sort them.
#pragma once

#include <string_view>

#include <absl/container/flat_hash_set.h>
#include <absl/hash/hash.h>

#include "engine/engine.hpp"

namespace moss {

class hash_engine final : public engine {
public:
  hash_engine() = default;
  ~hash_engine() override;
  hash_engine(const hash_engine&) = delete;
  hash_engine& operator=(const hash_engine&) = delete;

  const record* find(std::string_view key) const override;
  void prefetch(std::string_view key) const override { set_.prefetch(key); }
  record_ptr put(record_ptr rec) override;
  record_ptr erase(std::string_view key) override;
  size_t size() const override { return set_.size(); }
  size_t memory_usage() const override;
  void scan_prefix(std::string_view prefix, size_t limit, record_visitor fn) const override;
  void scan_range(std::string_view from, std::string_view to, size_t limit,
                  record_visitor fn) const override;
  void for_each(record_visitor fn) const override;
  void clear() override;

private:
  // Hash and equality over the key bytes, usable with a record* or a plain key.
  struct key_hash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const noexcept {
      return absl::Hash<std::string_view>{}(key);
    }
    size_t operator()(const record* r) const noexcept { return (*this)(r->key()); }
  };
  struct key_eq {
    using is_transparent = void;
    static std::string_view k(std::string_view key) noexcept { return key; }
    static std::string_view k(const record* r) noexcept { return r->key(); }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const noexcept {
      return k(a) == k(b);
    }
  };

  // Visits the records `keep` accepts in key order, at most `limit`.
  template <class Keep>
  void visit_sorted(Keep keep, size_t limit, record_visitor fn) const;

  absl::flat_hash_set<record*, key_hash, key_eq> set_;
  size_t record_bytes_ = 0;
};

} // namespace moss
