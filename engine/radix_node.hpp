// The inner nodes of the adaptive radix tree (Leis et al., ICDE 2013) and the
// operations on one node: find, add and remove a child, growing or shrinking
// the node between its four sizes.
//
//   node4 / node16            node48                       node256
//   +--------------+         +---------------------+      +------------------+
//   | header       |         | header              |      | header           |
//   | keys[4|16]   |  sorted | index[256] -> 1..48 |      | children[256]    |
//   | children[..] |         | children[48]        |      |  (by key byte)   |
//   +--------------+         +---------------------+      +------------------+
//
// The header holds the compressed path (prefix_len bytes, the first 8 stored in
// `partial`; longer paths are read from any leaf below), the child count, and a
// `terminal` record whose key ends exactly at this node, which makes keys that
// are prefixes of other keys (and any byte value, NUL and 0xFF included) work
// without a terminator byte. A child slot holds a node or, tagged by its low
// bit, a record: a leaf is the record itself (lazy expansion).
#pragma once

#include <cstdint>
#include <cstring>

#include "engine/record.hpp"

namespace moss::art {

/// A child: an inner node, or a record tagged with the low bit. 0 = empty.
using slot = uintptr_t;

inline bool is_leaf(slot s) noexcept { return (s & 1) != 0; }
inline record* leaf_record(slot s) noexcept { return reinterpret_cast<record*>(s & ~uintptr_t{1}); }
inline slot make_leaf(record* r) noexcept { return reinterpret_cast<uintptr_t>(r) | 1; }

enum class node_type : uint8_t { n4, n16, n48, n256 };

/// Bytes of the compressed path stored in the node itself.
constexpr uint32_t max_partial = 8;

struct node {
  node_type type;
  uint16_t count;               ///< number of children
  uint32_t prefix_len;          ///< length of the compressed path
  uint8_t partial[max_partial]; ///< first bytes of the compressed path
  record* terminal;             ///< the record whose key ends at this node, if any
};

struct node4 : node {
  uint8_t keys[4];
  slot children[4];
};
struct node16 : node {
  uint8_t keys[16];
  slot children[16];
};
struct node48 : node {
  uint8_t index[256];  ///< 0 = no child, else 1 + position in children
  slot children[48];
};
struct node256 : node {
  slot children[256];
};

inline node* as_node(slot s) noexcept { return reinterpret_cast<node*>(s); }
inline slot as_slot(node* n) noexcept { return reinterpret_cast<uintptr_t>(n); }

/// Heap bytes of a node of this type, allocator overhead included.
size_t node_footprint(node_type type) noexcept;

/// A new, empty node4.
node4* new_node4(size_t& bytes);

/// Frees one node (not its children).
void free_node(node* n, size_t& bytes) noexcept;

/// The slot of the child under byte `b`, or nullptr.
slot* find_child(node* n, uint8_t b) noexcept;
inline const slot* find_child(const node* n, uint8_t b) noexcept {
  return find_child(const_cast<node*>(n), b);
}

/// Adds a child under a byte that has none; grows the node (replacing `ref`) when full.
void add_child(slot& ref, uint8_t b, slot child, size_t& bytes);

/// Removes the child under `b`; shrinks the node (replacing `ref`) when sparse.
void remove_child(slot& ref, uint8_t b, size_t& bytes);

/// The only child of a node with count 1.
slot only_child(const node* n, uint8_t& byte) noexcept;

/// Calls f(byte, child) for each child with byte >= `from`, in byte order,
/// until f returns false; returns false if f did.
template <class F>
bool for_each_child(const node* n, F&& f, unsigned from = 0) {
  switch (n->type) {
    case node_type::n4:
    case node_type::n16: {
      const uint8_t* keys = n->type == node_type::n4 ? static_cast<const node4*>(n)->keys
                                                     : static_cast<const node16*>(n)->keys;
      const slot* kids = n->type == node_type::n4 ? static_cast<const node4*>(n)->children
                                                  : static_cast<const node16*>(n)->children;
      for (unsigned i = 0; i < n->count; ++i)
        if (keys[i] >= from && !f(keys[i], kids[i]))
          return false;
      return true;
    }
    case node_type::n48: {
      auto* n48 = static_cast<const node48*>(n);
      for (unsigned b = from; b < 256; ++b)
        if (n48->index[b] != 0 && !f(static_cast<uint8_t>(b), n48->children[n48->index[b] - 1]))
          return false;
      return true;
    }
    case node_type::n256: {
      auto* n256 = static_cast<const node256*>(n);
      for (unsigned b = from; b < 256; ++b)
        if (n256->children[b] != 0 && !f(static_cast<uint8_t>(b), n256->children[b]))
          return false;
      return true;
    }
  }
  return true;
}

/// Sets a node's compressed path to `path` (stores its first max_partial bytes).
inline void set_prefix(node* n, const uint8_t* path, size_t len) noexcept {
  n->prefix_len = static_cast<uint32_t>(len);
  std::memmove(n->partial, path, len < max_partial ? len : max_partial);
}

} // namespace moss::art
