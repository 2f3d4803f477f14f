// The names of the files in a data directory:
//   LOCK  MANIFEST  snap-<revision, 16 hex digits>.snap  wal-<sequence, 6 digits>.log
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace moss {

inline constexpr std::string_view lock_file_name = "LOCK";
inline constexpr std::string_view manifest_file_name = "MANIFEST";

/// "snap-00000000000004d2.snap" for revision 1234.
std::string snapshot_file_name(uint64_t revision);

/// "wal-000042.log" for sequence 42 (more digits past 999999).
std::string log_file_name(uint64_t sequence);

/// "<name>.tmp": where a file is written before it is renamed into place.
std::string temp_file_name(std::string_view name);

/// Parses a snapshot file name; false if `name` is not one.
bool parse_snapshot_file_name(std::string_view name, uint64_t& revision);

/// Parses a log file name; false if `name` is not one.
bool parse_log_file_name(std::string_view name, uint64_t& sequence);

} // namespace moss
