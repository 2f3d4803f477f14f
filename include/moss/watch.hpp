// Watching keys from a plain thread: a watch_stream hands out the events of a
// key, a prefix or a range, whole commits in revision order, exactly once.
//
//   auto w = db.watch_prefix("app/");
//   for (const moss::watch_event& ev : w) { ... }   // ends on cancel or close
//   if (status why = w.error(); !why) ...            // it ended by itself: why
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>

#include <moss/messages/watch.hpp>
#include <moss/status.hpp>

namespace moss {

/// Options of a watch from the embedded facade.
struct watch_options {
  revision start_rev = 0;                   ///< first revision to deliver; 0: the next commit
  bool prev_value = false;                  ///< events carry the value before the change
  watch_filter kinds = watch_filter::all;   ///< e.g. watch_filter::deletes
  uint32_t queue_limit = 0;                 ///< unread events before the store waits for the reader; 0: 4096
  std::chrono::milliseconds progress{0};    ///< idle this long: a progress event; 0: never
  /// Resuming: the incarnation() of the watch whose reached() + 1 is
  /// start_rev. If the store's history was rewritten since (an unclean stop
  /// under every_second or never, a repair), the watch ends at once with
  /// errc::compacted instead of skipping what changed. 0: do not check.
  uint64_t incarnation = 0;
};

/// Called for each event of a callback watch, on a store thread (keep it short).
using watch_callback = std::function<void(const watch_event&)>;
/// Called once when a callback watch ends by itself (not after cancel()).
using watch_end_callback = std::function<void(const watch_end&)>;

struct watch_channel;

/// A running watch. Ends on cancel(), when destroyed, when the db closes,
/// when it falls behind its queue limit (errc::overflow), or when its history
/// is gone (errc::compacted); ended() then says why and where to resume.
class [[nodiscard]] watch_handle {
public:
  watch_handle() = default;
  explicit watch_handle(std::shared_ptr<watch_channel> ch) : ch_(std::move(ch)) {}
  watch_handle(watch_handle&&) noexcept = default;
  watch_handle& operator=(watch_handle&& other) noexcept;
  ~watch_handle();  ///< cancels

  /// Stops the watch now; events not yet read are dropped. Harmless when ended.
  void cancel();

  /// The watch has ended and every event it delivered has been read.
  bool done() const;
  /// Ok while running and after cancel(); otherwise why the watch ended
  /// (closed, overflow, compacted, invalid_argument) with a message.
  status error() const;
  /// Why and where the watch ended; nullopt while it runs.
  std::optional<watch_end> ended() const;
  /// Every change up to this revision has been handed out: a new watch from
  /// reached() + 1 continues exactly where this one stopped, at a commit
  /// boundary (events of a commit it stopped inside come again, whole).
  revision reached() const;
  watch_id id() const;
  /// The first revision the watch delivers (0 if it never started).
  revision start_revision() const;
  /// The store incarnation its revisions belong to (pass it when resuming).
  uint64_t incarnation() const;

protected:
  std::shared_ptr<watch_channel> ch_;
};

/// A watch read from a plain thread: blocking, timed, or non-blocking reads,
/// or a range-for loop that ends when the watch does. Progress notices come
/// as events of kind event_kind::progress.
class [[nodiscard]] watch_stream : public watch_handle {
public:
  using watch_handle::watch_handle;

  /// The next event; waits for it. nullopt: the watch has ended (see ended()).
  std::optional<watch_event> next();
  /// The next event, waiting at most `timeout`. nullopt: timed out or ended (done()).
  std::optional<watch_event> next(std::chrono::nanoseconds timeout);
  /// The next event if one is queued, without waiting.
  std::optional<watch_event> try_next();

  class iterator {
  public:
    using iterator_category = std::input_iterator_tag;
    using value_type = watch_event;
    using difference_type = std::ptrdiff_t;
    using pointer = watch_event*;
    using reference = watch_event&;

    iterator() = default;
    explicit iterator(watch_stream* s) : s_(s) { ++*this; }
    reference operator*() { return *cur_; }
    pointer operator->() { return &*cur_; }
    iterator& operator++() {
      cur_ = s_->next();
      if (!cur_)
        s_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& a, const iterator& b) { return a.s_ == b.s_; }

  private:
    watch_stream* s_ = nullptr;
    std::optional<watch_event> cur_;
  };

  /// Iterates until the watch ends (blocking between events).
  iterator begin() { return iterator{this}; }
  iterator end() { return iterator{}; }
};

} // namespace moss
