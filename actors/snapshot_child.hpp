// Writing a snapshot in a forked child process, as Redis rewrites its AOF:
// the child sees the keyspace frozen at the moment of the fork while the
// store goes on serving reads and writes.
#pragma once

#include <string>
#include <sys/types.h>

#include "common/result.hpp"
#include "core/keyspace.hpp"
#include "persistence/file.hpp"

namespace moss {

/// Forks a child that writes the snapshot "snap-<rev>" of `ks` into `dir` and
/// exits 0 on success. Call only while no shard is applying a group. Returns
/// the child's pid.
result<pid_t> fork_snapshot_writer(const keyspace& ks, file_system& fs, const std::string& dir,
                                   revision rev);

} // namespace moss
