// The names of the files in a data directory:
//   LOCK  MANIFEST  snap-<revision, 16 hex digits>-<sequence, 6 digits>.snap
//   wal-<sequence, 6 digits>.log  (and INCARNATION, CLEAN: persistence/incarnation.hpp)
//   REPLICA, replica-sync.tmp  (a read replica's: actors/replica_follower.hpp)
// Segments and snapshots draw their sequence numbers from one counter, so no
// file the store writes can take the name of one it wrote before.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace moss {

inline constexpr std::string_view lock_file_name = "LOCK";
inline constexpr std::string_view manifest_file_name = "MANIFEST";
/// A read replica's record of the primary incarnation its data came from.
inline constexpr std::string_view replica_file_name = "REPLICA";
/// A full sync being received (an orphan once the store is reopened).
inline constexpr std::string_view replica_staging_name = "replica-sync.tmp";

/// "snap-00000000000004d2-000007.snap" for revision 1234, sequence 7.
std::string snapshot_file_name(uint64_t revision, uint64_t sequence);

/// "wal-000042.log" for sequence 42 (more digits past 999999).
std::string log_file_name(uint64_t sequence);

/// "<name>.tmp": where a file is written before it is renamed into place.
std::string temp_file_name(std::string_view name);

/// Parses a snapshot file name; false if `name` is not one. Also accepts the
/// older "snap-<revision>.snap" (sequence 0).
bool parse_snapshot_file_name(std::string_view name, uint64_t& revision, uint64_t& sequence);
inline bool parse_snapshot_file_name(std::string_view name, uint64_t& revision) {
  uint64_t sequence;
  return parse_snapshot_file_name(name, revision, sequence);
}

/// Parses a log file name; false if `name` is not one.
bool parse_log_file_name(std::string_view name, uint64_t& sequence);

} // namespace moss
