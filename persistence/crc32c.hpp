// CRC32C (Castagnoli polynomial), the checksum of every log record, snapshot
// and manifest. Uses the SSE4.2 crc32 instruction when the CPU has it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace moss::crc32c {

/// Returns the CRC32C of `data[0, n)` appended to bytes whose CRC32C is `crc`.
/// extend(value(a), b) == value(a + b).
uint32_t extend(uint32_t crc, const char* data, size_t n) noexcept;

/// Returns the CRC32C of `data[0, n)`.
inline uint32_t value(const char* data, size_t n) noexcept {
  return extend(0, data, n);
}

/// Returns the CRC32C of `data`.
inline uint32_t value(std::string_view data) noexcept {
  return extend(0, data.data(), data.size());
}

inline constexpr uint32_t mask_delta = 0xa282ead8u;

/// Returns a masked form of `crc` for storing. A CRC computed over bytes that
/// themselves contain CRCs is weak; rotating and offsetting breaks that.
inline constexpr uint32_t mask(uint32_t crc) noexcept {
  return ((crc >> 15) | (crc << 17)) + mask_delta;
}

/// Inverts mask().
inline constexpr uint32_t unmask(uint32_t masked) noexcept {
  uint32_t rot = masked - mask_delta;
  return (rot >> 17) | (rot << 15);
}

namespace detail {

/// The portable table-driven implementation (slicing-by-8).
uint32_t extend_portable(uint32_t crc, const char* data, size_t n) noexcept;

/// True when the SSE4.2 implementation is available on this CPU.
bool have_sse42() noexcept;

/// The SSE4.2 implementation; call only when have_sse42().
uint32_t extend_sse42(uint32_t crc, const char* data, size_t n) noexcept;

} // namespace detail
} // namespace moss::crc32c
