// The payload of a commit record: the ops of one atomic commit. Encoding
// appends to a caller's buffer; decoding yields views into the payload.
//
// commit_at (what the store writes):
//   i64 clock reading of the commit | varint32 op count, then per op:
//     u8 kind | varint32 key length | key | (put only:) varint32 value length |
//     value | i64 expiry deadline (ns since the Unix epoch, 0 = none)
// A put's create revision and version are derived at replay from the entry
// it replaces (live at the clock reading, as the shard decided when it
// applied the commit), so the record can be written before it is applied.
//
// commit (older logs, still read):
//   varint32 op count, then per op:
//     u8 kind | varint32 key length | key | (put only:) varint32 value length |
//     value | i64 expiry deadline (ns since the Unix epoch, 0 = none) |
//     varint64 create revision | varint64 version
// A put carries the entry's whole metadata (its mod revision is the record's
// revision), so replay installs entries exactly as they were.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <moss/status.hpp>

namespace moss {

/// What an op does to its key.
enum class wal_op_kind : uint8_t {
  put = 1,     ///< set the value (and expiry deadline)
  del = 2,     ///< delete the key
  expire = 3,  ///< delete the key because its deadline passed
};

/// Bytes a put adds to a commit_at payload.
constexpr size_t encoded_put_size(size_t key_size, size_t value_size) noexcept {
  return 1 + 5 + key_size + 5 + value_size + 8;  // varints counted at their widest
}
/// Bytes a delete or expiry adds to a commit_at payload.
constexpr size_t encoded_del_size(size_t key_size) noexcept {
  return 1 + 5 + key_size;
}
/// Bytes of a commit_at payload before its ops.
inline constexpr size_t encoded_commit_overhead = 8 + 5;

/// One decoded op; key and value point into the payload it came from.
struct wal_op_view {
  wal_op_kind kind = wal_op_kind::put;
  std::string_view key;
  std::string_view value;  ///< empty unless kind is put
  int64_t expiry = 0;      ///< absolute deadline in ns since the epoch, 0 = none
  uint64_t create_rev = 0; ///< put only: revision that created the key (commit records only)
  uint64_t version = 0;    ///< put only: writes since creation, this one included (commit records only)

  friend bool operator==(const wal_op_view&, const wal_op_view&) = default;
};

/// Starts a commit payload of `op_count` ops at the end of `out`; follow with
/// exactly that many encode_put / encode_del / encode_expire calls.
void encode_op_count(std::string& out, uint32_t op_count);

/// Appends a put op.
void encode_put(std::string& out, std::string_view key, std::string_view value, int64_t expiry,
                uint64_t create_rev, uint64_t version);

/// Appends a delete op.
void encode_del(std::string& out, std::string_view key);

/// Appends an expiry op.
void encode_expire(std::string& out, std::string_view key);

/// Appends a whole commit payload holding `ops`.
void encode_commit(std::string& out, std::span<const wal_op_view> ops);

/// Decodes the commit payload `payload` into `ops` (cleared first; reusing one
/// vector means no allocation per record). Returns errc::corruption with the
/// byte offset inside the payload when it is malformed.
status decode_commit(std::string_view payload, std::vector<wal_op_view>& ops);

// -- commit_at ---------------------------------------------------------------

/// Starts a commit_at payload decided at clock reading `now_ns`, with `op_count` ops.
void encode_commit_at_header(std::string& out, int64_t now_ns, uint32_t op_count);

/// Appends a put op of a commit_at payload.
void encode_put_at(std::string& out, std::string_view key, std::string_view value, int64_t expiry);

/// Decodes a commit_at payload: its clock reading into `now_ns`, its ops into
/// `ops` (create_rev and version stay 0). errc::corruption when malformed.
status decode_commit_at(std::string_view payload, int64_t& now_ns, std::vector<wal_op_view>& ops);

} // namespace moss
