// The commit stream between a primary and its replicas, as data: a primary's
// commit groups become repl_commits (each the payload its own log writes for
// that commit), and a replica turns them back into write groups, checking
// them at this trust boundary.
#pragma once

#include <memory>
#include <vector>

#include <moss/messages/replication.hpp>
#include <moss/options.hpp>
#include <moss/result.hpp>

#include "core/keyspace.hpp"
#include "core/write_group.hpp"

namespace moss {

/// Appends the commits of `g` whose revision is at least `from` to `out`;
/// returns the payload bytes added.
size_t append_commits(const write_group& g, revision from, std::vector<repl_commit>& out);

/// The write groups that apply `commits` on top of revision `applied`: one
/// group per run of commits decided at the same clock reading, as on the
/// primary. Revisions must follow `applied` with no gap, every payload must
/// decode, hold at least one op, and keep keys and values within `lim`;
/// otherwise errc::corruption names the first bad revision.
result<std::vector<std::shared_ptr<write_group>>> replicated_groups(const keyspace& ks, revision applied,
                                                                    const std::vector<repl_commit>& commits,
                                                                    const limits& lim);

} // namespace moss
