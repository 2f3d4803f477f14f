// Bounds the writes a client has handed to the store that are not yet
// answered (in the coordinator's queue, in the log, being applied): a writer
// that outruns the disk waits here instead of growing memory without limit,
// and is never answered early.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/completion.hpp"

namespace moss {

class write_backlog {
public:
  write_backlog(size_t max_bytes, size_t max_commits) : max_bytes_(max_bytes), max_commits_(max_commits) {}

  /// Takes room for a commit of `bytes`, waiting while the backlog is full.
  /// A commit larger than the whole bound goes once nothing else is pending.
  void acquire(size_t bytes);

  /// Gives the room back (the commit was answered).
  void release(size_t bytes) noexcept;

  /// Wraps `done` so that its completion releases `bytes`.
  std::shared_ptr<completion> track(size_t bytes, std::shared_ptr<completion> done);

  size_t pending_bytes() const noexcept { return bytes_.load(std::memory_order_relaxed); }
  size_t pending_commits() const noexcept { return commits_.load(std::memory_order_relaxed); }

private:
  const size_t max_bytes_;
  const size_t max_commits_;
  std::atomic<size_t> bytes_{0};
  std::atomic<uint32_t> commits_{0};  ///< also the word waiters sleep on
  std::atomic<uint32_t> waiters_{0};
};

} // namespace moss
