// The framing every record on disk shares (log, snapshot, manifest). Layout in
// docs/log_format.md; all integers little-endian.
//
//   0       4        8      9          17
//   +-------+--------+------+----------+-----------------+
//   | crc   | length | type | revision | payload ...     |
//   | u32   | u32    | u8   | u64      | length bytes    |
//   +-------+--------+------+----------+-----------------+
//   crc = masked CRC32C of bytes [4, 17 + length)
#pragma once

#include <cstddef>
#include <cstdint>

namespace moss::log_format {

inline constexpr size_t crc_offset = 0;
inline constexpr size_t length_offset = 4;
inline constexpr size_t type_offset = 8;
inline constexpr size_t revision_offset = 9;
inline constexpr size_t header_size = 17;

/// A length above this is damage, not a record. A commit whose record would
/// exceed it is refused before it is applied (limits::max_commit_bytes).
inline constexpr uint32_t max_payload = 256u << 20;

/// What a record's payload holds.
enum class record_type : uint8_t {
  commit = 1,            ///< an older log record: one commit with each put's whole metadata

  snapshot_entry = 2,    ///< one key of a snapshot (snapshot.hpp)
  snapshot_trailer = 3,  ///< the end of a snapshot: its entry count
  manifest = 4,          ///< the manifest's single record (manifest.hpp)
  commit_at = 5,         ///< a log record: one atomic commit and the clock reading it was
                         ///< decided at; replay derives each put's metadata (wal_record.hpp)
};

} // namespace moss::log_format
