// Estimates the heap bytes an allocation really takes, so engines can report
// memory honestly without asking the allocator on every write.
#pragma once

#include <cstddef>

namespace moss {

/// glibc's chunk for an n-byte request: n plus an 8-byte header, rounded up
/// to 16, at least 32.
constexpr size_t heap_chunk(size_t n) noexcept {
  size_t chunk = (n + 8 + 15) & ~size_t{15};
  return chunk < 32 ? 32 : chunk;
}

} // namespace moss
