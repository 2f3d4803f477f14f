// Ordered traversal of the adaptive radix tree: full iteration, prefix scans
// and range scans [from, to). A node visits its terminal record first (the
// shortest key), then its children in byte order, so output is in key order.
#include "engine/radix_tree.hpp"

#include <algorithm>

namespace moss {

using namespace art;

namespace {

// Emits records until the limit, the upper bound or the visitor says stop.
struct scan_sink {
  size_t limit;
  std::string_view to;  // empty: no upper bound
  record_visitor fn;
  size_t emitted = 0;

  bool emit(const record* r) {
    if (!to.empty() && r->key() >= to)
      return false;
    if (!fn(*r))
      return false;
    ++emitted;
    return limit == 0 || emitted < limit;
  }
};

bool visit_all(slot s, scan_sink& sink) {
  if (is_leaf(s))
    return sink.emit(leaf_record(s));
  const node* n = as_node(s);
  if (n->terminal != nullptr && !sink.emit(n->terminal))
    return false;
  return for_each_child(n, [&](uint8_t, slot child) { return visit_all(child, sink); });
}

// Visits every key >= from below `s`, whose path so far equals from[0, depth).
bool seek(slot s, size_t depth, std::string_view from, scan_sink& sink) {
  if (is_leaf(s)) {
    const record* r = leaf_record(s);
    return r->key() >= from ? sink.emit(r) : true;
  }
  const node* n = as_node(s);
  if (n->prefix_len != 0) {
    std::string_view path = node_path(n, depth);
    std::string_view rest = from.substr(depth);
    size_t common = std::min(path.size(), rest.size());
    int cmp = path.substr(0, common).compare(rest.substr(0, common));
    if (cmp > 0 || (cmp == 0 && rest.size() <= path.size()))
      return visit_all(s, sink);  // every key below is >= from
    if (cmp < 0)
      return true;  // every key below is < from
    depth += path.size();
  }
  if (depth == from.size())
    return visit_all(s, sink);
  // The terminal (key length == depth) is a proper prefix of `from`: skip it.
  auto b = static_cast<uint8_t>(from[depth]);
  return for_each_child(
    n,
    [&](uint8_t byte, slot child) {
      return byte == b ? seek(child, depth + 1, from, sink) : visit_all(child, sink);
    },
    b);
}

} // namespace

void radix_tree::scan_prefix(std::string_view prefix, size_t limit, record_visitor fn) const {
  scan_sink sink{limit, {}, fn};
  slot s = root_;
  size_t depth = 0;
  while (s != 0) {
    if (is_leaf(s)) {
      const record* r = leaf_record(s);
      if (r->key().starts_with(prefix))
        sink.emit(r);
      return;
    }
    const node* n = as_node(s);
    if (n->prefix_len != 0) {
      // Scans compare the real path bytes: a wrong subtree must not leak out.
      std::string_view path = node_path(n, depth);
      size_t left = prefix.size() - depth;
      size_t common = std::min(path.size(), left);
      if (path.substr(0, common) != prefix.substr(depth, common))
        return;
      if (left <= path.size()) {
        visit_all(s, sink);
        return;
      }
      depth += path.size();
    }
    if (depth == prefix.size()) {
      visit_all(s, sink);
      return;
    }
    const slot* child = find_child(n, static_cast<uint8_t>(prefix[depth]));
    if (child == nullptr)
      return;
    s = *child;
    ++depth;
  }
}

void radix_tree::scan_range(std::string_view from, std::string_view to, size_t limit,
                            record_visitor fn) const {
  if (root_ == 0 || (!to.empty() && to <= from))
    return;
  scan_sink sink{limit, to, fn};
  seek(root_, 0, from, sink);
}

void radix_tree::for_each(record_visitor fn) const {
  if (root_ == 0)
    return;
  scan_sink sink{0, {}, fn};
  visit_all(root_, sink);
}

} // namespace moss
