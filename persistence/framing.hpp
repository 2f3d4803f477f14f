// Encoding and checking one framed record (layout in log_format.hpp). The log,
// snapshot and manifest code all frame their records through these functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "persistence/log_format.hpp"

namespace moss {

/// A record found whole and intact in a buffer; the payload points into it.
struct record_view {
  log_format::record_type type;
  uint64_t revision;
  std::string_view payload;
  size_t size;  ///< header plus payload: where the next record starts
};

/// Why the bytes at an offset are not a whole record.
enum class frame_error : uint8_t {
  none,
  cut_short,     ///< header or payload runs past the end of the data
  bad_length,    ///< length above log_format::max_payload
  bad_checksum,  ///< CRC mismatch
};

/// Returns a short description, e.g. "checksum mismatch".
std::string_view to_string(frame_error e) noexcept;

/// Appends a framed record. The payload must be at most max_payload bytes.
void append_record(std::string& out, log_format::record_type type, uint64_t revision,
                   std::string_view payload);

/// Appends a header to be filled in later and returns its offset in `out`; the
/// caller appends the payload straight after it, then calls finish_record.
/// This frames a payload encoded in place, without a copy.
size_t begin_record(std::string& out);

/// Fills in the header begun at `start`; the payload is everything after it.
void finish_record(std::string& out, size_t start, log_format::record_type type,
                   uint64_t revision);

/// Checks the record at `offset` in `data` and, when whole, describes it in `out`.
frame_error parse_record(std::string_view data, size_t offset, record_view& out) noexcept;

} // namespace moss
