// The storage engine interface: a map from byte keys to records, owned by one
// writer. Engines know nothing of actors, revisions policy or time.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include <moss/engine_kind.hpp>

#include "common/function_ref.hpp"
#include "engine/record.hpp"

namespace moss {

/// Called per record during a scan; return false to stop early.
using record_visitor = function_ref<bool(const record&)>;

/// A map from byte keys to records. Not thread-safe: one writer, and readers
/// only under the owner's lock.
class engine {
public:
  virtual ~engine() = default;

  /// The record stored under `key`, or nullptr. Valid until the next mutation.
  virtual const record* find(std::string_view key) const = 0;

  /// Hints that `key` is looked up or stored soon: starts loading the memory
  /// that takes, so a batch of writes overlaps its cache misses.
  virtual void prefetch(std::string_view /*key*/) const {}

  /// Stores `rec` under its key; returns the record it replaced (null if new).
  virtual record_ptr put(record_ptr rec) = 0;

  /// Removes `key`; returns the removed record (null if there was none).
  virtual record_ptr erase(std::string_view key) = 0;

  /// Number of entries.
  virtual size_t size() const = 0;

  /// Bytes of heap the engine holds: records, nodes or table, allocator overhead included.
  virtual size_t memory_usage() const = 0;

  /// Visits the records whose key starts with `prefix`, in key order, at most
  /// `limit` of them (0 = no limit). An empty prefix visits everything.
  virtual void scan_prefix(std::string_view prefix, size_t limit, record_visitor fn) const = 0;

  /// Visits the records with `from <= key < to`, in key order, at most `limit`
  /// (0 = no limit). An empty `to` means no upper bound.
  virtual void scan_range(std::string_view from, std::string_view to, size_t limit,
                          record_visitor fn) const = 0;

  /// Visits every record in an unspecified order (key order for the radix tree).
  virtual void for_each(record_visitor fn) const = 0;

  /// Removes every entry.
  virtual void clear() = 0;
};

/// Creates an empty engine of the given kind.
std::unique_ptr<engine> make_engine(engine_kind kind);

} // namespace moss
