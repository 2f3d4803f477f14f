// How a store is configured: engine, sharding, limits and clock. Shared by the
// embedded facade and by spawn_store for CAF applications.
#pragma once

#include <cstddef>
#include <memory>

#include "core/time_source.hpp"
#include "engine/engine.hpp"

namespace moss {

/// Size limits checked on every request; violations are errc::invalid_argument.
struct limits {
  size_t max_key_size = 65'535;           ///< bytes; keys must also be non-empty
  size_t max_value_size = 64u << 20;      ///< bytes
  size_t max_ops_per_txn = 1u << 20;      ///< ops plus compares in one transaction
};

struct options {
  engine_kind engine = engine_kind::radix;  ///< radix: ordered scans; hash: fastest point reads
  size_t shards = 0;                        ///< keyspace shards; 0 = hardware threads
  size_t threads = 0;                       ///< embedded only: CAF worker threads; 0 = hardware threads
  limits limit;
  std::shared_ptr<const time_source> clock; ///< null = the system clock
};

} // namespace moss
