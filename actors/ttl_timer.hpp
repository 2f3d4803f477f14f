// The TTL timer actor. Owns: the deadline index of every key that expires,
// and one timer armed for the earliest deadline. Receives: change (as a
// change listener: puts set or clear deadlines, deletes and expiries drop
// them) and its own ticks. Sends: expire_if transactions to the coordinator,
// a batch of up to 4,096 keys per commit.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "actors/interfaces.hpp"
#include "core/deadline_index.hpp"
#include "core/keyspace.hpp"

namespace moss {

struct ttl_state {
  deadline_index index;
  std::shared_ptr<keyspace> ks;  ///< for its clock
  coordinator_actor coordinator;
  std::shared_ptr<std::atomic<size_t>> published;  ///< the index size, for the coordinator
  int64_t armed = 0;        ///< the deadline the pending tick is for (0: none)
  uint64_t generation = 0;  ///< ticks of an older generation are stale
  static inline const char* name = "moss.ttl";
  static constexpr size_t max_batch = 4096;
};

/// Deadlines already in the keyspace when the store opens.
using initial_deadlines = std::vector<std::pair<std::string, int64_t>>;

ttl_timer_actor::behavior_type ttl_impl(ttl_timer_actor::stateful_pointer<ttl_state> self,
                                        std::shared_ptr<keyspace> ks, coordinator_actor coordinator,
                                        std::shared_ptr<initial_deadlines> initial,
                                        std::shared_ptr<std::atomic<size_t>> published);

} // namespace moss
