// Point operations of the adaptive radix tree: find, insert and erase.
#include "engine/radix_tree.hpp"

#include <algorithm>

namespace moss {

using namespace art;

namespace art {

const record* min_record(slot s) noexcept {
  while (!is_leaf(s)) {
    const node* n = as_node(s);
    if (n->terminal != nullptr)
      return n->terminal;
    for_each_child(n, [&](uint8_t, slot first) {
      s = first;
      return false;
    });
  }
  return leaf_record(s);
}

std::string_view node_path(const node* n, size_t depth) noexcept {
  if (n->prefix_len <= max_partial)
    return {reinterpret_cast<const char*>(n->partial), n->prefix_len};
  return min_record(as_slot(const_cast<node*>(n)))->key().substr(depth, n->prefix_len);
}

} // namespace art

namespace {

const uint8_t* bytes_of(std::string_view s) noexcept {
  return reinterpret_cast<const uint8_t*>(s.data());
}

// Hangs `rec` below `n`, whose path ends after `depth` bytes of `key`.
void attach(node* n, record* rec, std::string_view key, size_t depth, size_t& bytes) {
  if (key.size() == depth) {
    n->terminal = rec;
    return;
  }
  slot self = as_slot(n);
  add_child(self, static_cast<uint8_t>(key[depth]), make_leaf(rec), bytes);
}

} // namespace

radix_tree::~radix_tree() {
  clear();
}

const record* radix_tree::find(std::string_view key) const {
  slot s = root_;
  size_t depth = 0;
  while (s != 0) {
    if (is_leaf(s)) {
      const record* r = leaf_record(s);
      return r->key() == key ? r : nullptr;
    }
    const node* n = as_node(s);
    // Optimistic: skip the compressed path; the final key compare verifies it.
    depth += n->prefix_len;
    if (depth >= key.size()) {
      const record* t = n->terminal;
      return depth == key.size() && t != nullptr && t->key() == key ? t : nullptr;
    }
    const slot* child = find_child(n, static_cast<uint8_t>(key[depth]));
    if (child == nullptr)
      return nullptr;
    s = *child;
    ++depth;
  }
  return nullptr;
}

record_ptr radix_tree::put(record_ptr rec) {
  record_bytes_ += rec->footprint();
  std::string_view key = rec->key();
  record_ptr old = insert(root_, rec.release(), key, 0);
  if (old)
    record_bytes_ -= old->footprint();
  else
    ++size_;
  return old;
}

// Inserts `rec` below `ref`, whose path so far matches key[0, depth).
//  1. An empty slot takes the leaf.
//  2. A leaf with the same key is replaced; another leaf is split into a node4
//     whose path is the two keys' common bytes.
//  3. A node whose compressed path differs from the key is split at the first
//     differing byte: a new node4 takes the common part, the old node keeps the
//     rest minus one byte, which becomes its key in the new node.
//  4. Otherwise descend: the terminal when the key ends here, else the child.
record_ptr radix_tree::insert(slot& ref, record* rec, std::string_view key, size_t depth) {
  if (ref == 0) {
    ref = make_leaf(rec);
    return nullptr;
  }
  if (is_leaf(ref)) {
    record* old = leaf_record(ref);
    std::string_view old_key = old->key();
    if (old_key == key) {
      ref = make_leaf(rec);
      return record_ptr{old};
    }
    size_t end = depth;
    size_t limit = std::min(old_key.size(), key.size());
    while (end < limit && old_key[end] == key[end])
      ++end;
    node4* split = new_node4(node_bytes_);
    set_prefix(split, bytes_of(key) + depth, end - depth);
    attach(split, old, old_key, end, node_bytes_);
    attach(split, rec, key, end, node_bytes_);
    ref = as_slot(split);
    return nullptr;
  }
  node* n = as_node(ref);
  if (n->prefix_len != 0) {
    std::string_view path = node_path(n, depth);
    size_t same = 0;
    size_t limit = std::min<size_t>(path.size(), key.size() - depth);
    while (same < limit && path[same] == key[depth + same])
      ++same;
    if (same < path.size()) {
      node4* split = new_node4(node_bytes_);
      set_prefix(split, bytes_of(path), same);
      auto branch = static_cast<uint8_t>(path[same]);
      // `path` may point into n->partial: set_prefix moves with memmove.
      set_prefix(n, bytes_of(path) + same + 1, path.size() - same - 1);
      slot split_slot = as_slot(split);
      add_child(split_slot, branch, ref, node_bytes_);
      attach(split, rec, key, depth + same, node_bytes_);
      ref = split_slot;
      return nullptr;
    }
    depth += path.size();
  }
  if (depth == key.size()) {
    record* old = n->terminal;
    n->terminal = rec;
    return record_ptr{old};
  }
  auto b = static_cast<uint8_t>(key[depth]);
  if (slot* child = find_child(n, b))
    return insert(*child, rec, key, depth + 1);
  add_child(ref, b, make_leaf(rec), node_bytes_);
  return nullptr;
}

record_ptr radix_tree::erase(std::string_view key) {
  if (root_ == 0)
    return nullptr;
  record_ptr old;
  if (is_leaf(root_)) {
    if (leaf_record(root_)->key() != key)
      return nullptr;
    old.reset(leaf_record(root_));
    root_ = 0;
  } else {
    old = erase_below(root_, key, 0);
    if (!old)
      return nullptr;
  }
  --size_;
  record_bytes_ -= old->footprint();
  return old;
}

// Removes `key` from the subtree of node `ref`. A node keeps at least two
// entries (children plus terminal); one left over replaces the node.
record_ptr radix_tree::erase_below(slot& ref, std::string_view key, size_t depth) {
  node* n = as_node(ref);
  depth += n->prefix_len;  // optimistic, as in find: the key compare decides
  if (depth > key.size())
    return nullptr;
  record_ptr old;
  if (depth == key.size()) {
    if (n->terminal == nullptr || n->terminal->key() != key)
      return nullptr;
    old.reset(n->terminal);
    n->terminal = nullptr;
  } else {
    auto b = static_cast<uint8_t>(key[depth]);
    slot* child = find_child(n, b);
    if (child == nullptr)
      return nullptr;
    if (!is_leaf(*child))
      return erase_below(*child, key, depth + 1);
    if (leaf_record(*child)->key() != key)
      return nullptr;
    old.reset(leaf_record(*child));
    remove_child(ref, b, node_bytes_);
  }
  collapse(ref);
  return old;
}

void radix_tree::collapse(slot& ref) {
  node* n = as_node(ref);
  if (n->count + (n->terminal != nullptr ? 1 : 0) != 1)
    return;
  if (n->terminal != nullptr) {
    ref = make_leaf(n->terminal);
    free_node(n, node_bytes_);
    return;
  }
  uint8_t b;
  slot child = only_child(n, b);
  if (!is_leaf(child)) {
    // The child's path becomes: n's path, the branch byte, the child's path.
    node* c = as_node(child);
    uint8_t merged[max_partial];
    size_t len = std::min<size_t>(n->prefix_len, max_partial);
    std::memcpy(merged, n->partial, len);
    if (len < max_partial)
      merged[len++] = b;
    size_t from_child = std::min<size_t>(c->prefix_len, max_partial - len);
    std::memcpy(merged + len, c->partial, from_child);
    std::memcpy(c->partial, merged, len + from_child);
    c->prefix_len += n->prefix_len + 1;
  }
  ref = child;
  free_node(n, node_bytes_);
}

void radix_tree::free_subtree(slot s) {
  if (s == 0)
    return;
  if (is_leaf(s)) {
    record_deleter{}(leaf_record(s));
    return;
  }
  node* n = as_node(s);
  if (n->terminal != nullptr)
    record_deleter{}(n->terminal);
  for_each_child(n, [this](uint8_t, slot child) {
    free_subtree(child);
    return true;
  });
  free_node(n, node_bytes_);
}

void radix_tree::clear() {
  free_subtree(root_);
  root_ = 0;
  size_ = 0;
  record_bytes_ = 0;
}

} // namespace moss
