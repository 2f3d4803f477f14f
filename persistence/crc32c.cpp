// CRC32C: a slicing-by-8 table implementation and an SSE4.2 one, picked once
// at start-up by asking the CPU.
#include "persistence/crc32c.hpp"

#include <array>

#include "persistence/coding.hpp"

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace moss::crc32c {
namespace {

constexpr uint32_t poly = 0x82f63b78u;  // Castagnoli, bit-reversed

using table_set = std::array<std::array<uint32_t, 256>, 8>;

// tables[0] is the classic byte-at-a-time table; tables[k][b] is the CRC of
// byte b followed by k zero bytes, which lets one step consume 8 bytes.
constexpr table_set make_tables() {
  table_set t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t c = b;
    for (int i = 0; i < 8; ++i)
      c = (c >> 1) ^ ((c & 1) ? poly : 0);
    t[0][b] = c;
  }
  for (uint32_t b = 0; b < 256; ++b)
    for (size_t k = 1; k < 8; ++k)
      t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
  return t;
}

constexpr table_set tables = make_tables();

using extend_fn = uint32_t (*)(uint32_t, const char*, size_t) noexcept;

extend_fn choose() noexcept {
  return detail::have_sse42() ? &detail::extend_sse42 : &detail::extend_portable;
}

} // namespace

uint32_t extend(uint32_t crc, const char* data, size_t n) noexcept {
  // A function-local static is safe even when called from another file's
  // static initializer.
  static const extend_fn chosen = choose();
  return chosen(crc, data, n);
}

namespace detail {

uint32_t extend_portable(uint32_t crc, const char* data, size_t n) noexcept {
  auto p = reinterpret_cast<const uint8_t*>(data);
  uint32_t l = ~crc;
  auto step_byte = [&] { l = tables[0][(l ^ *p++) & 0xff] ^ (l >> 8); };
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0) {
    step_byte();
    --n;
  }
  for (; n >= 8; n -= 8, p += 8) {
    uint32_t lo = decode_fixed32(reinterpret_cast<const char*>(p)) ^ l;
    uint32_t hi = decode_fixed32(reinterpret_cast<const char*>(p + 4));
    l = tables[7][lo & 0xff] ^ tables[6][(lo >> 8) & 0xff] ^ tables[5][(lo >> 16) & 0xff] ^
        tables[4][lo >> 24] ^ tables[3][hi & 0xff] ^ tables[2][(hi >> 8) & 0xff] ^
        tables[1][(hi >> 16) & 0xff] ^ tables[0][hi >> 24];
  }
  while (n-- > 0)
    step_byte();
  return ~l;
}

#if defined(__x86_64__)

bool have_sse42() noexcept {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
}

__attribute__((target("sse4.2"))) uint32_t extend_sse42(uint32_t crc, const char* data,
                                                        size_t n) noexcept {
  auto p = reinterpret_cast<const uint8_t*>(data);
  uint64_t l = ~crc;
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0) {
    l = _mm_crc32_u8(static_cast<uint32_t>(l), *p++);
    --n;
  }
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t word;
    __builtin_memcpy(&word, p, sizeof word);
    l = _mm_crc32_u64(l, word);
  }
  while (n-- > 0)
    l = _mm_crc32_u8(static_cast<uint32_t>(l), *p++);
  return ~static_cast<uint32_t>(l);
}

#else

bool have_sse42() noexcept { return false; }

uint32_t extend_sse42(uint32_t crc, const char* data, size_t n) noexcept {
  return extend_portable(crc, data, n);
}

#endif

} // namespace detail
} // namespace moss::crc32c
