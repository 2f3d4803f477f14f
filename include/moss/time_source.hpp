// Time as the store sees it: wall-clock nanoseconds since the Unix epoch.
// Injectable, so tests of expiry advance a manual clock instead of sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

namespace moss {

/// The deadline `ttl_ns` after `now_ns`, saturated at INT64_MAX (a TTL that
/// large never expires in practice, and must never wrap into the past).
constexpr int64_t deadline_after(int64_t now_ns, int64_t ttl_ns) noexcept {
  int64_t out = 0;
  if (__builtin_add_overflow(now_ns, ttl_ns, &out))
    return INT64_MAX;
  return out;
}

class time_source {
public:
  virtual ~time_source() = default;
  /// Nanoseconds since the Unix epoch.
  virtual int64_t now_ns() const noexcept = 0;
};

/// The real clock (std::chrono::system_clock).
class system_time_source final : public time_source {
public:
  int64_t now_ns() const noexcept override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
  }
};

/// A clock that moves only when told to; safe to read from any thread.
class manual_time_source final : public time_source {
public:
  explicit manual_time_source(int64_t start_ns = 1'000'000'000'000'000'000) : now_(start_ns) {}
  int64_t now_ns() const noexcept override { return now_.load(std::memory_order_acquire); }
  void advance(std::chrono::nanoseconds d) noexcept {
    now_.fetch_add(d.count(), std::memory_order_acq_rel);
  }

private:
  std::atomic<int64_t> now_;
};

/// A shared instance of the real clock.
inline std::shared_ptr<const time_source> system_clock_source() {
  static const auto clock = std::make_shared<const system_time_source>();
  return clock;
}

} // namespace moss
