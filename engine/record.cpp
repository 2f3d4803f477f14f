// Packing and unpacking of record blocks.
#include "engine/record.hpp"

#include <cstdlib>
#include <new>

#include "engine/heap_size.hpp"

namespace moss {

namespace {

size_t varint_size(uint64_t v) noexcept {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

uint8_t* put_varint(uint8_t* p, uint64_t v) noexcept {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

uint64_t get_varint64(const uint8_t*& p) noexcept {
  uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    uint64_t byte = *p++;
    v |= (byte & 0x7f) << shift;
    if (byte < 0x80)
      return v;
  }
}

} // namespace

void record_deleter::operator()(record* r) const noexcept {
  std::free(r);
}

record_ptr record::make(std::string_view key, std::string_view value, const record_meta& meta) {
  const bool expires = meta.expiry != 0;
  size_t size = 1 + varint_size(key.size()) + varint_size(value.size())
                + (expires ? sizeof(int64_t) : 0) + key.size() + value.size()
                + varint_size(meta.create_rev) + varint_size(meta.mod_rev)
                + varint_size(meta.version);
  auto* p = static_cast<uint8_t*>(std::malloc(size));
  if (p == nullptr)
    throw std::bad_alloc{};
  auto* block = p;
  *p++ = expires ? has_expiry_flag : 0;
  p = put_varint(p, key.size());
  p = put_varint(p, value.size());
  if (expires) {
    std::memcpy(p, &meta.expiry, sizeof(int64_t));
    p += sizeof(int64_t);
  }
  if (!key.empty())
    std::memcpy(p, key.data(), key.size());
  p += key.size();
  if (!value.empty())
    std::memcpy(p, value.data(), value.size());
  p += value.size();
  p = put_varint(p, meta.create_rev);
  p = put_varint(p, meta.mod_rev);
  put_varint(p, meta.version);
  return record_ptr{reinterpret_cast<record*>(block)};
}

record_meta record::meta() const noexcept {
  std::string_view v = value();
  const uint8_t* p = reinterpret_cast<const uint8_t*>(v.data() + v.size());
  record_meta m;
  m.create_rev = get_varint64(p);
  m.mod_rev = get_varint64(p);
  m.version = get_varint64(p);
  m.expiry = expiry();
  return m;
}

size_t record::footprint() const noexcept {
  std::string_view v = value();
  const uint8_t* p = reinterpret_cast<const uint8_t*>(v.data() + v.size());
  for (int i = 0; i < 3; ++i)
    get_varint64(p);
  return heap_chunk(static_cast<size_t>(p - base()));
}

} // namespace moss
