// A record is one stored entry packed into a single heap block: the key, the
// value and the metadata transactions, TTL and watch need.
//
//   +-------+---------+---------+----------+-----+-------+------------+---------+---------+
//   | flags | key_len | val_len | expiry   | key | value | create_rev | mod_rev | version |
//   | u8    | varint  | varint  | i64 opt. |     |       | varint     | varint  | varint  |
//   +-------+---------+---------+----------+-----+-------+------------+---------+---------+
//
// Reads touch only the front (flags, lengths, deadline, key, value); revisions
// sit at the back and are decoded only by compares, scans with metadata and
// snapshots. One block per entry keeps the per-entry overhead near 30 bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include <moss/record_meta.hpp>

namespace moss {

class record;

/// Frees a record block.
struct record_deleter {
  void operator()(record* r) const noexcept;
};

/// Sole ownership of a record block.
using record_ptr = std::unique_ptr<record, record_deleter>;

/// An immutable entry. Only ever handled by pointer; its bytes follow `this`.
class record {
public:
  record() = delete;
  record(const record&) = delete;
  record& operator=(const record&) = delete;

  /// Packs key, value and metadata into one new block.
  static record_ptr make(std::string_view key, std::string_view value, const record_meta& meta);

  std::string_view key() const noexcept {
    const uint8_t* p = base() + 1;
    uint32_t klen = read_varint(p);
    read_varint(p);  // value length
    if (has_expiry())
      p += sizeof(int64_t);
    return {reinterpret_cast<const char*>(p), klen};
  }

  std::string_view value() const noexcept {
    const uint8_t* p = base() + 1;
    uint32_t klen = read_varint(p);
    uint32_t vlen = read_varint(p);
    if (has_expiry())
      p += sizeof(int64_t);
    return {reinterpret_cast<const char*>(p + klen), vlen};
  }

  /// The expiry deadline (ns since the Unix epoch), 0 if the entry never expires.
  int64_t expiry() const noexcept {
    if (!has_expiry())
      return 0;
    const uint8_t* p = base() + 1;
    read_varint(p);
    read_varint(p);
    int64_t deadline;
    std::memcpy(&deadline, p, sizeof deadline);
    return deadline;
  }

  /// True when the entry has a deadline at or before `now_ns`.
  bool expired_at(int64_t now_ns) const noexcept {
    return has_expiry() && expiry() <= now_ns;
  }

  /// Decodes all metadata (revisions sit behind the value).
  record_meta meta() const noexcept;

  /// Bytes the block occupies on the heap, allocator overhead included.
  size_t footprint() const noexcept;

private:
  friend struct record_deleter;
  static constexpr uint8_t has_expiry_flag = 1;

  const uint8_t* base() const noexcept { return reinterpret_cast<const uint8_t*>(this); }
  bool has_expiry() const noexcept { return (base()[0] & has_expiry_flag) != 0; }

  static uint32_t read_varint(const uint8_t*& p) noexcept {
    uint32_t v = *p++;
    if (v < 0x80) [[likely]]
      return v;
    v &= 0x7f;
    for (int shift = 7;; shift += 7) {
      uint32_t byte = *p++;
      v |= (byte & 0x7f) << shift;
      if (byte < 0x80)
        return v;
    }
  }
};

/// Metadata for a put at `rev` over `old` (nullptr when the key is new).
inline record_meta next_meta(const record* old, revision rev, int64_t expiry) noexcept {
  if (old == nullptr)
    return {rev, rev, 1, expiry};
  record_meta m = old->meta();
  return {m.create_rev, rev, m.version + 1, expiry};
}

} // namespace moss
