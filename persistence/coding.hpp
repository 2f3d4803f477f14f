// Little-endian fixed-width and varint encoding, and a bounds-checked cursor
// for decoding them. Every on-disk format in persistence/ is built from these.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace moss {

/// Appends `v` as 4 little-endian bytes.
inline void put_fixed32(std::string& out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i)
    b[i] = static_cast<char>(v >> (8 * i));
  out.append(b, sizeof b);
}

/// Appends `v` as 8 little-endian bytes.
inline void put_fixed64(std::string& out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i)
    b[i] = static_cast<char>(v >> (8 * i));
  out.append(b, sizeof b);
}

/// Writes `v` as 4 little-endian bytes at `dst`.
inline void encode_fixed32(char* dst, uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i)
    dst[i] = static_cast<char>(v >> (8 * i));
}

/// Writes `v` as 8 little-endian bytes at `dst`.
inline void encode_fixed64(char* dst, uint64_t v) noexcept {
  for (int i = 0; i < 8; ++i)
    dst[i] = static_cast<char>(v >> (8 * i));
}

/// Reads 4 little-endian bytes at `src`.
inline uint32_t decode_fixed32(const char* src) noexcept {
  uint32_t v;
  std::memcpy(&v, src, sizeof v);
  if constexpr (std::endian::native == std::endian::big)
    v = __builtin_bswap32(v);
  return v;
}

/// Reads 8 little-endian bytes at `src`.
inline uint64_t decode_fixed64(const char* src) noexcept {
  uint64_t v;
  std::memcpy(&v, src, sizeof v);
  if constexpr (std::endian::native == std::endian::big)
    v = __builtin_bswap64(v);
  return v;
}

/// Appends `v` as a varint: 7 bits per byte, low bits first, high bit set on
/// every byte but the last (1 to 10 bytes).
inline void put_varint64(std::string& out, uint64_t v) {
  char b[10];
  size_t n = 0;
  while (v >= 0x80) {
    b[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  b[n++] = static_cast<char>(v);
  out.append(b, n);
}

/// Appends `v` as a varint (1 to 5 bytes).
inline void put_varint32(std::string& out, uint32_t v) {
  put_varint64(out, v);
}

/// A read position in a byte string. Every read checks bounds and returns false
/// (consuming nothing) when the bytes are missing or malformed.
class byte_cursor {
public:
  explicit byte_cursor(std::string_view data) noexcept : data_(data) {}

  size_t offset() const noexcept { return pos_; }
  size_t remaining() const noexcept { return data_.size() - pos_; }
  bool at_end() const noexcept { return pos_ == data_.size(); }

  bool read_u8(uint8_t& v) noexcept {
    if (remaining() < 1)
      return false;
    v = static_cast<uint8_t>(data_[pos_++]);
    return true;
  }

  bool read_fixed32(uint32_t& v) noexcept {
    if (remaining() < 4)
      return false;
    v = decode_fixed32(data_.data() + pos_);
    pos_ += 4;
    return true;
  }

  bool read_fixed64(uint64_t& v) noexcept {
    if (remaining() < 8)
      return false;
    v = decode_fixed64(data_.data() + pos_);
    pos_ += 8;
    return true;
  }

  /// Reads a varint of at most 5 bytes whose value fits 32 bits.
  bool read_varint32(uint32_t& v) noexcept {
    uint64_t wide;
    size_t start = pos_;
    if (!read_varint(wide, 5) || wide > UINT32_MAX) {
      pos_ = start;
      return false;
    }
    v = static_cast<uint32_t>(wide);
    return true;
  }

  /// Reads a varint of at most 10 bytes whose value fits 64 bits.
  bool read_varint64(uint64_t& v) noexcept { return read_varint(v, 10); }

  /// Takes the next `n` bytes as a view into the underlying data.
  bool read_bytes(size_t n, std::string_view& v) noexcept {
    if (remaining() < n)
      return false;
    v = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }

  /// Reads a varint32 length, then that many bytes.
  bool read_length_prefixed(std::string_view& v) noexcept {
    size_t start = pos_;
    uint32_t n;
    if (read_varint32(n) && read_bytes(n, v))
      return true;
    pos_ = start;
    return false;
  }

private:
  bool read_varint(uint64_t& v, size_t max_bytes) noexcept {
    uint64_t result = 0;
    for (size_t i = 0; i < max_bytes && pos_ + i < data_.size(); ++i) {
      uint64_t byte = static_cast<uint8_t>(data_[pos_ + i]);
      if (i == 9 && byte > 1)
        return false;  // bits beyond 64
      result |= (byte & 0x7f) << (7 * i);
      if (byte < 0x80) {
        pos_ += i + 1;
        v = result;
        return true;
      }
    }
    return false;  // ran out of bytes, or too many continuation bytes
  }

  std::string_view data_;
  size_t pos_ = 0;
};

/// Appends a varint32 length and then `bytes`.
inline void put_length_prefixed(std::string& out, std::string_view bytes) {
  put_varint32(out, static_cast<uint32_t>(bytes.size()));
  out.append(bytes);
}

} // namespace moss
