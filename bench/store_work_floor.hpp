// A floor for async and batched sets: the store's own work for them (build
// the commits, evaluate them into groups, frame and write(2) each group,
// apply it to every shard, make the results) done on one thread, with no
// actors and no hand-off between threads.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <moss/engine_kind.hpp>

#include "bench/bench_util.hpp"

namespace moss::bench {

/// Keys come from `pick`; `ops_per_commit` puts per commit, at most
/// `commits_per_group` commits per group; `total_ops` puts in all. Gives the
/// throughput of the whole run and, per group, its time per put. The keyspace (with `keys` loaded) and its log under `dir` are
/// built first, untimed.
latencies store_work_floor(engine_kind kind, const std::vector<std::string>& keys,
                           const std::string& dir, size_t ops_per_commit, size_t commits_per_group,
                           size_t total_ops, const std::function<const std::string&()>& pick,
                           const std::string& value);

} // namespace moss::bench
