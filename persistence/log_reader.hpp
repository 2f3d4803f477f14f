// Reads a log segment back: checks every record, tells a torn tail (cut off by
// a crash; dropped and reported) from damage in the middle (an error naming
// file and offset), and repairs a log by cutting it to its good prefix.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <moss/status.hpp>

#include "persistence/file.hpp"
#include "persistence/log_format.hpp"

namespace moss {

/// Called once per whole record, in order. An error stops the read and is
/// returned with the file and offset prepended.
using log_visitor =
  std::function<status(uint64_t revision, log_format::record_type type, std::string_view payload)>;

/// What reading a log found.
struct log_read_result {
  /// ok (a torn tail is ok), errc::corruption for damage before the tail or a
  /// revision out of sequence, errc::io_error if the file could not be read,
  /// or the visitor's error.
  status outcome;
  uint64_t records = 0;         ///< whole records visited
  uint64_t first_revision = 0;  ///< revision of the first record (0 if none)
  uint64_t last_revision = 0;   ///< revision of the last record (0 if none)
  uint64_t valid_bytes = 0;     ///< length of the good prefix: where a repair cuts
  uint64_t dropped_bytes = 0;   ///< bytes of torn tail after valid_bytes (outcome ok)
  std::string tail_reason;      ///< why the tail was dropped, e.g. "record cut short"
};

/// Reads the log at `path` and visits its records. `first_revision`, when not
/// 0, is the revision the first record must carry; after it each record's
/// revision must be one more than the last.
[[nodiscard]] log_read_result read_log(file_system& fs, const std::string& path, const log_visitor& visit,
                         uint64_t first_revision = 0);

/// The same over log bytes already in memory; `name` is used in messages.
[[nodiscard]] log_read_result scan_log(std::string_view data, const std::string& name,
                         const log_visitor& visit, uint64_t first_revision = 0);

/// What repair_log did.
struct log_repair_result {
  status outcome;             ///< ok, or why the log could not be read or cut
  uint64_t kept_bytes = 0;    ///< length of the log now
  uint64_t cut_bytes = 0;     ///< bytes removed from its end
  uint64_t kept_records = 0;  ///< whole records left
  uint64_t last_revision = 0; ///< revision of the last record left (0 if none)
  std::string reason;         ///< why the cut part was bad (empty if nothing was cut)
};

/// Cuts the log at `path` back to its longest valid prefix (dropping a torn
/// tail, or everything from the first bad record on) and makes that durable.
[[nodiscard]] log_repair_result repair_log(file_system& fs, const std::string& path);

} // namespace moss
