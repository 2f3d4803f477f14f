// Counters a store reports about itself.
#pragma once

#include <cstdint>

#include "common/record_meta.hpp"

namespace moss {

struct store_stats {
  uint64_t keys = 0;          ///< live entries (expired ones not yet removed included)
  revision rev = 0;           ///< current revision
  uint64_t memory_bytes = 0;  ///< engines' heap estimate
  uint64_t shards = 0;
  uint64_t commits = 0;       ///< commits that wrote something
  uint64_t groups = 0;        ///< commit groups applied (commits / groups = batching)
  uint64_t conflicts = 0;     ///< transactions whose compares failed
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, store_stats& x) {
  return f(x.keys, x.rev, x.memory_bytes, x.shards, x.commits, x.groups, x.conflicts);
}

} // namespace moss
