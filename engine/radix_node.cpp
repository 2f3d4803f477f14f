// Per-node operations of the adaptive radix tree: lookup by byte, and growing
// or shrinking between node4, node16, node48 and node256.
#include "engine/radix_node.hpp"

#include <new>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "engine/heap_size.hpp"

namespace moss::art {

namespace {

template <class N>
N* alloc(node_type type, size_t& bytes) {
  auto* n = new N{};
  n->type = type;
  bytes += heap_chunk(sizeof(N));
  return n;
}

void copy_header(node* dst, const node* src) noexcept {
  dst->count = src->count;
  dst->prefix_len = src->prefix_len;
  std::memcpy(dst->partial, src->partial, max_partial);
  dst->terminal = src->terminal;
}

// Inserts (b, child) into sorted arrays holding `count` entries.
void insert_sorted(uint8_t* keys, slot* kids, unsigned count, uint8_t b, slot child) noexcept {
  unsigned i = 0;
  while (i < count && keys[i] < b)
    ++i;
  std::memmove(keys + i + 1, keys + i, count - i);
  std::memmove(kids + i + 1, kids + i, (count - i) * sizeof(slot));
  keys[i] = b;
  kids[i] = child;
}

// Removes entry i from sorted arrays holding `count` entries.
void erase_sorted(uint8_t* keys, slot* kids, unsigned count, unsigned i) noexcept {
  std::memmove(keys + i, keys + i + 1, count - i - 1);
  std::memmove(kids + i, kids + i + 1, (count - i - 1) * sizeof(slot));
}

// Copies a node's children, in byte order, into sorted key/child arrays.
void gather_sorted(const node* n, uint8_t* keys, slot* kids) {
  unsigned i = 0;
  for_each_child(n, [&](uint8_t b, slot child) {
    keys[i] = b;
    kids[i] = child;
    ++i;
    return true;
  });
}

} // namespace

size_t node_footprint(node_type type) noexcept {
  switch (type) {
    case node_type::n4: return heap_chunk(sizeof(node4));
    case node_type::n16: return heap_chunk(sizeof(node16));
    case node_type::n48: return heap_chunk(sizeof(node48));
    case node_type::n256: return heap_chunk(sizeof(node256));
  }
  return 0;
}

node4* new_node4(size_t& bytes) {
  return alloc<node4>(node_type::n4, bytes);
}

void free_node(node* n, size_t& bytes) noexcept {
  bytes -= node_footprint(n->type);
  switch (n->type) {
    case node_type::n4: delete static_cast<node4*>(n); break;
    case node_type::n16: delete static_cast<node16*>(n); break;
    case node_type::n48: delete static_cast<node48*>(n); break;
    case node_type::n256: delete static_cast<node256*>(n); break;
  }
}

slot* find_child(node* n, uint8_t b) noexcept {
  switch (n->type) {
    case node_type::n4: {
      auto* n4 = static_cast<node4*>(n);
      for (unsigned i = 0; i < n4->count; ++i)
        if (n4->keys[i] == b)
          return &n4->children[i];
      return nullptr;
    }
    case node_type::n16: {
      auto* n16 = static_cast<node16*>(n);
#if defined(__SSE2__)
      __m128i hits = _mm_cmpeq_epi8(_mm_set1_epi8(static_cast<char>(b)),
                                    _mm_loadu_si128(reinterpret_cast<const __m128i*>(n16->keys)));
      unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hits)) & ((1u << n16->count) - 1);
      return mask != 0 ? &n16->children[__builtin_ctz(mask)] : nullptr;
#else
      for (unsigned i = 0; i < n16->count; ++i)
        if (n16->keys[i] == b)
          return &n16->children[i];
      return nullptr;
#endif
    }
    case node_type::n48: {
      auto* n48 = static_cast<node48*>(n);
      return n48->index[b] != 0 ? &n48->children[n48->index[b] - 1] : nullptr;
    }
    case node_type::n256: {
      auto* n256 = static_cast<node256*>(n);
      return n256->children[b] != 0 ? &n256->children[b] : nullptr;
    }
  }
  return nullptr;
}

void add_child(slot& ref, uint8_t b, slot child, size_t& bytes) {
  node* n = as_node(ref);
  switch (n->type) {
    case node_type::n4: {
      auto* n4 = static_cast<node4*>(n);
      if (n4->count < 4) {
        insert_sorted(n4->keys, n4->children, n4->count++, b, child);
        return;
      }
      auto* n16 = alloc<node16>(node_type::n16, bytes);
      copy_header(n16, n4);
      std::memcpy(n16->keys, n4->keys, 4);
      std::memcpy(n16->children, n4->children, 4 * sizeof(slot));
      insert_sorted(n16->keys, n16->children, n16->count++, b, child);
      free_node(n4, bytes);
      ref = as_slot(n16);
      return;
    }
    case node_type::n16: {
      auto* n16 = static_cast<node16*>(n);
      if (n16->count < 16) {
        insert_sorted(n16->keys, n16->children, n16->count++, b, child);
        return;
      }
      auto* n48 = alloc<node48>(node_type::n48, bytes);
      copy_header(n48, n16);
      for (unsigned i = 0; i < 16; ++i) {
        n48->children[i] = n16->children[i];
        n48->index[n16->keys[i]] = static_cast<uint8_t>(i + 1);
      }
      n48->children[16] = child;
      n48->index[b] = 17;
      n48->count = 17;
      free_node(n16, bytes);
      ref = as_slot(n48);
      return;
    }
    case node_type::n48: {
      auto* n48 = static_cast<node48*>(n);
      if (n48->count < 48) {
        unsigned pos = 0;
        while (n48->children[pos] != 0)
          ++pos;
        n48->children[pos] = child;
        n48->index[b] = static_cast<uint8_t>(pos + 1);
        ++n48->count;
        return;
      }
      auto* n256 = alloc<node256>(node_type::n256, bytes);
      copy_header(n256, n48);
      for (unsigned k = 0; k < 256; ++k)
        if (n48->index[k] != 0)
          n256->children[k] = n48->children[n48->index[k] - 1];
      n256->children[b] = child;
      ++n256->count;
      free_node(n48, bytes);
      ref = as_slot(n256);
      return;
    }
    case node_type::n256: {
      auto* n256 = static_cast<node256*>(n);
      n256->children[b] = child;
      ++n256->count;
      return;
    }
  }
}

void remove_child(slot& ref, uint8_t b, size_t& bytes) {
  node* n = as_node(ref);
  switch (n->type) {
    case node_type::n4: {
      auto* n4 = static_cast<node4*>(n);
      unsigned i = static_cast<unsigned>(find_child(n4, b) - n4->children);
      erase_sorted(n4->keys, n4->children, n4->count--, i);
      return;
    }
    case node_type::n16: {
      auto* n16 = static_cast<node16*>(n);
      unsigned i = static_cast<unsigned>(find_child(n16, b) - n16->children);
      erase_sorted(n16->keys, n16->children, n16->count--, i);
      if (n16->count > 3)
        return;
      auto* n4 = alloc<node4>(node_type::n4, bytes);
      copy_header(n4, n16);
      std::memcpy(n4->keys, n16->keys, n16->count);
      std::memcpy(n4->children, n16->children, n16->count * sizeof(slot));
      free_node(n16, bytes);
      ref = as_slot(n4);
      return;
    }
    case node_type::n48: {
      auto* n48 = static_cast<node48*>(n);
      n48->children[n48->index[b] - 1] = 0;
      n48->index[b] = 0;
      if (--n48->count > 12)
        return;
      auto* n16 = alloc<node16>(node_type::n16, bytes);
      copy_header(n16, n48);
      gather_sorted(n48, n16->keys, n16->children);
      free_node(n48, bytes);
      ref = as_slot(n16);
      return;
    }
    case node_type::n256: {
      auto* n256 = static_cast<node256*>(n);
      n256->children[b] = 0;
      if (--n256->count > 37)
        return;
      auto* n48 = alloc<node48>(node_type::n48, bytes);
      copy_header(n48, n256);
      unsigned pos = 0;
      for (unsigned k = 0; k < 256; ++k)
        if (n256->children[k] != 0) {
          n48->children[pos] = n256->children[k];
          n48->index[k] = static_cast<uint8_t>(++pos);
        }
      free_node(n256, bytes);
      ref = as_slot(n48);
      return;
    }
  }
}

slot only_child(const node* n, uint8_t& byte) noexcept {
  slot found = 0;
  for_each_child(n, [&](uint8_t b, slot child) {
    byte = b;
    found = child;
    return false;
  });
  return found;
}

} // namespace moss::art
