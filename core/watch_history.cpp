// The bounded history of commit groups.
#include "core/watch_history.hpp"

#include <algorithm>

namespace moss {

size_t watch_history::bytes_of(const write_group& g) noexcept {
  size_t n = sizeof(write_group) + g.commits.size() * sizeof(commit_span);
  for (const write_op& op : g.ops)
    n += sizeof(write_op) + op.key.size() + op.value.size()
         + (op.prev_value ? op.prev_value->size() : 0);
  return n;
}

void watch_history::reset(revision rev) {
  groups_.clear();
  ops_ = 0;
  bytes_ = 0;
  compacted_ = rev;
  last_ = rev;
}

void watch_history::push(group_ptr g) {
  if (!g || g->commits.empty())
    return;
  revision first = g->commits.front().rev;
  if (first != last_ + 1)
    reset(first - 1);  // a gap: nothing before this group can be replayed
  last_ = g->last_rev();
  entry e{std::move(g), first, 0};
  e.bytes = bytes_of(*e.group);
  ops_ += e.group->ops.size();
  bytes_ += e.bytes;
  groups_.push_back(std::move(e));
  while (!groups_.empty() && (ops_ > max_ops_ || bytes_ > max_bytes_)) {
    entry& old = groups_.front();
    ops_ -= old.group->ops.size();
    bytes_ -= old.bytes;
    compacted_ = old.group->last_rev();
    groups_.pop_front();
  }
}

void watch_history::for_each_group_from(revision from,
                                        function_ref<bool(const group_ptr&)> fn) const {
  auto it = std::upper_bound(groups_.begin(), groups_.end(), from,
                             [](revision r, const entry& e) { return r < e.first; });
  if (it != groups_.begin())
    --it;
  for (; it != groups_.end(); ++it)
    if (it->group->last_rev() >= from && !fn(it->group))
      return;
}

void watch_history::for_each_commit_from(
  revision from, function_ref<bool(revision, const write_op*, uint32_t)> fn) const {
  // The last group starting at or before `from` holds it (revisions have no gaps).
  auto it = std::upper_bound(groups_.begin(), groups_.end(), from,
                             [](revision r, const entry& e) { return r < e.first; });
  if (it != groups_.begin())
    --it;
  for (; it != groups_.end(); ++it) {
    const write_group& g = *it->group;
    for (const commit_span& c : g.commits) {
      if (c.rev < from)
        continue;
      if (!fn(c.rev, g.ops.data() + c.first, c.count))
        return;
    }
  }
}

} // namespace moss
