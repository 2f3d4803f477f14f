// The embedded facade's commits on their way to the coordinator. Callers
// append under a short lock; only the append that finds the intake empty
// rings the coordinator (one commit_atom message), which then takes every
// commit appended so far. A burst of async commits so costs the coordinator
// one message, not one each, and no CAF message is allocated by one thread
// and freed by another per commit.
//
// Order: commits keep the order they were appended in. A message sent to
// the coordinator after an append (close, say) may be handled after commits
// appended later still, as they share the earlier ring; the facade never
// appends once it has sent close (its lifetime lock orders the two).
#pragma once

#include <mutex>
#include <vector>

#include "actors/local_messages.hpp"

namespace moss {

class commit_intake {
public:
  /// Appends `c`; true when the intake was empty, so the caller must ring.
  /// Once the coordinator is gone, `c` is dropped instead, and its token
  /// answers errc::closed as it goes.
  bool push(local_commit c) {
    std::lock_guard lock(mu_);
    if (closed_)
      return false;  // c goes out of scope after the lock is released
    items_.push_back(std::move(c));
    return items_.size() == 1;
  }

  /// The coordinator is gone: what waits is dropped (answered errc::closed)
  /// and so is everything appended later.
  void close() {
    std::vector<local_commit> dropped;
    {
      std::lock_guard lock(mu_);
      closed_ = true;
      items_.swap(dropped);
    }
  }

  /// Swaps everything appended so far, in order, into `out` (which must be
  /// empty; its capacity is kept for the next appends).
  void take(std::vector<local_commit>& out) {
    std::lock_guard lock(mu_);
    items_.swap(out);
  }

private:
  std::mutex mu_;
  std::vector<local_commit> items_;
  bool closed_ = false;
};

} // namespace moss
