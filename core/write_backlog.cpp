// The write backlog: counters, and a futex wait (std::atomic::wait) while full.
#include "core/write_backlog.hpp"

namespace moss {

namespace {

// Releases its commit's room, then passes the outcome on.
class tracked_completion final : public completion {
public:
  tracked_completion(write_backlog& backlog, size_t bytes, std::shared_ptr<completion> inner)
    : backlog_(backlog), bytes_(bytes), inner_(std::move(inner)) {}
  void complete(txn_outcome outcome) override {
    backlog_.release(bytes_);
    inner_->complete(std::move(outcome));
  }

private:
  write_backlog& backlog_;
  size_t bytes_;
  std::shared_ptr<completion> inner_;
};

} // namespace

void write_backlog::acquire(size_t bytes) {
  for (;;) {
    uint32_t n = commits_.load(std::memory_order_acquire);
    const size_t held = bytes_.load(std::memory_order_acquire);
    const bool room = n == 0 || (n < max_commits_ && held + bytes <= max_bytes_);
    if (room) {
      if (commits_.compare_exchange_weak(n, n + 1, std::memory_order_acq_rel)) {
        bytes_.fetch_add(bytes, std::memory_order_acq_rel);
        return;
      }
      continue;
    }
    waiters_.fetch_add(1, std::memory_order_acq_rel);
    commits_.wait(n, std::memory_order_acquire);  // until some commit is answered
    waiters_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void write_backlog::release(size_t bytes) noexcept {
  bytes_.fetch_sub(bytes, std::memory_order_acq_rel);
  commits_.fetch_sub(1, std::memory_order_acq_rel);
  if (waiters_.load(std::memory_order_acquire) > 0)
    commits_.notify_all();
}

std::shared_ptr<completion> write_backlog::track(size_t bytes, std::shared_ptr<completion> done) {
  return std::make_shared<tracked_completion>(*this, bytes, std::move(done));
}

} // namespace moss
