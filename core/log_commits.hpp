// A primary's commits read back from its log segments, for a replica whose
// place the in-memory watch history no longer holds but the log still does
// (it is after the base snapshot).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <moss/messages/replication.hpp>
#include <moss/result.hpp>

#include "persistence/file.hpp"

namespace moss {

/// The commits with revisions in [from, to) in the log of the store in
/// `dir`, in order and gap-free, stopping early once about `budget` payload
/// bytes are read (the caller asks again from the next revision). Only
/// whole records are read, so the segment being written is safe to read.
/// errc::compacted when the log no longer reaches back to `from` (the base
/// snapshot is at or after it); errc::corruption for a gap or a record of
/// the older kind (a replica then takes a full sync); errc::io_error when a
/// segment cannot be read (a compaction may have removed it: ask again).
result<std::vector<repl_commit>> read_log_commits(file_system& fs, const std::string& dir, revision from,
                                                  revision to, size_t budget);

} // namespace moss
