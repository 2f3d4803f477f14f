// The radix engine: an adaptive radix tree over binary keys with ordered
// iteration, prefix scans and range scans. Node layout: engine/radix_node.hpp.
#pragma once

#include <string_view>

#include "engine/engine.hpp"
#include "engine/radix_node.hpp"

namespace moss {

class radix_tree final : public engine {
public:
  radix_tree() = default;
  ~radix_tree() override;
  radix_tree(const radix_tree&) = delete;
  radix_tree& operator=(const radix_tree&) = delete;

  const record* find(std::string_view key) const override;
  record_ptr put(record_ptr rec) override;
  record_ptr erase(std::string_view key) override;
  size_t size() const override { return size_; }
  size_t memory_usage() const override { return node_bytes_ + record_bytes_ + sizeof(*this); }
  void scan_prefix(std::string_view prefix, size_t limit, record_visitor fn) const override;
  void scan_range(std::string_view from, std::string_view to, size_t limit,
                  record_visitor fn) const override;
  void for_each(record_visitor fn) const override;
  void clear() override;

  /// Bytes held by inner nodes alone (for the benchmark's breakdown).
  size_t node_bytes() const noexcept { return node_bytes_; }

private:
  record_ptr insert(art::slot& ref, record* rec, std::string_view key, size_t depth);
  record_ptr erase_below(art::slot& ref, std::string_view key, size_t depth);
  // Replaces a node left with a single entry by that entry.
  void collapse(art::slot& ref);
  void free_subtree(art::slot s);

  art::slot root_ = 0;
  size_t size_ = 0;
  size_t node_bytes_ = 0;
  size_t record_bytes_ = 0;
};

namespace art {

/// The record with the smallest key below `s` (any leaf carries the full path).
const record* min_record(slot s) noexcept;

/// The full compressed path of node `n` reached after `depth` key bytes.
std::string_view node_path(const node* n, size_t depth) noexcept;

} // namespace art

} // namespace moss
