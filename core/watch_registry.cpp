// Watchers, their queue accounting, live dispatch and history replay.
#include "core/watch_registry.hpp"

#include <algorithm>

namespace moss {

namespace {

event_kind kind_of(const write_op& op) noexcept {
  switch (op.kind) {
    case change_kind::put: return op.existed ? event_kind::update : event_kind::create;
    case change_kind::del: return event_kind::del;
    case change_kind::expire: return event_kind::expire;
  }
  return event_kind::del;
}

bool valid_scope(watch_scope s) noexcept {
  return s == watch_scope::key || s == watch_scope::prefix || s == watch_scope::range;
}

} // namespace

watch_event make_event(const write_op& op, bool with_prev) {
  watch_event ev;
  ev.kind = kind_of(op);
  ev.rev = op.rev;
  ev.key = op.key;
  if (op.kind == change_kind::put) {
    ev.value = op.value;
    ev.meta = op.meta;
  } else {
    ev.meta.mod_rev = op.rev;
  }
  if (with_prev && op.prev_value) {
    ev.has_prev = true;
    ev.prev_value = *op.prev_value;
  }
  return ev;
}

status validate_watch(const watch_request& req, size_t max_key_size) {
  if (!valid_scope(req.scope))
    return {errc::invalid_argument, "unknown watch scope"};
  if (req.scope == watch_scope::key && req.key.empty())
    return {errc::invalid_argument, "a watched key must not be empty"};
  if (req.key.size() > max_key_size || req.range_end.size() > max_key_size)
    return {errc::invalid_argument, "a watched key of " + std::to_string(std::max(req.key.size(),
                                      req.range_end.size()))
                                      + " bytes exceeds the limit of "
                                      + std::to_string(max_key_size)};
  if (req.scope == watch_scope::range && !req.range_end.empty() && !(req.key < req.range_end))
    return {errc::invalid_argument, "a watched range needs from < to"};
  if (req.scope != watch_scope::range && !req.range_end.empty())
    return {errc::invalid_argument, "range_end is for range watches only"};
  if ((static_cast<uint8_t>(req.kinds) & static_cast<uint8_t>(watch_filter::all)) == 0)
    return {errc::invalid_argument, "the watch filter lets no event kind through"};
  return status::ok();
}

watch_registry::watch_registry(watch_config cfg)
  : cfg_(cfg), history_(cfg.history_ops, cfg.history_bytes) {}

revision watch_registry::reached(const watcher& w) const noexcept {
  if (!w.live)
    return w.next_rev - 1;  // mid-commit (next_op > 0): that commit is not whole yet
  return std::max(w.next_rev - 1, history_.last_rev());
}

result<watch_registry::added> watch_registry::add(watch_request req) {
  if (auto st = validate_watch(req, cfg_.max_key_size); !st)
    return st;
  if (req.start_rev == 0)
    return status{errc::invalid_argument, "the start revision is not resolved"};
  if (req.incarnation != 0 && req.incarnation != cfg_.incarnation)
    return status{errc::compacted,
                  "the watch names another incarnation of the store (it was restarted after an "
                  "unclean stop, repaired or recreated): the revisions it saw may not exist any "
                  "more; read the current state and watch again; the oldest available revision is "
                    + std::to_string(history_.oldest_rev())};
  if (req.start_rev < history_.oldest_rev())
    return status{errc::compacted, "start revision " + std::to_string(req.start_rev)
                                     + " is compacted; the oldest available revision is "
                                     + std::to_string(history_.oldest_rev())};
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<uint32_t>(watchers_.size());
    watchers_.emplace_back();
  }
  watcher& w = watchers_[slot];
  w.id = next_id_++;
  w.limit = req.queue_limit == 0 ? cfg_.default_queue : std::min(req.queue_limit, cfg_.max_queue);
  w.next_rev = req.start_rev;
  w.progress_ns = static_cast<int64_t>(req.progress_ms) * 1'000'000;
  w.req = std::move(req);
  index_.add(w.req, slot);
  ids_.emplace(w.id, slot);
  return added{slot, w.id, w.next_rev, w.limit, cfg_.incarnation};
}

void watch_registry::start(uint32_t slot, int64_t now_ns, watch_sink& out) {
  watcher& w = watchers_[slot];
  if (w.progress_ns > 0) {
    w.next_due = now_ns + w.progress_ns;
    progress_.insert(slot);
  }
  if (w.next_rev > history_.last_rev()) {
    w.live = true;
    return;
  }
  catching_up_.insert(slot);
  catch_up(slot, out);
}

// Replays history from w.next_rev (op w.next_op of it) within the
// watcher's free queue space: whole commits while they fit; a commit that
// could never fit (more matching events than the limit) goes alone, in
// fragments of the free space. Goes live once it reaches the newest revision.
void watch_registry::catch_up(uint32_t slot, watch_sink& out) {
  watcher& w = watchers_[slot];
  if (w.next_rev < history_.oldest_rev()) {
    revision oldest = history_.oldest_rev();
    if (w.paced)
      finish(slot, errc::overflow,
             "the watcher fell behind the history: it reached revision "
               + std::to_string(w.next_rev - 1) + " and the oldest kept is "
               + std::to_string(oldest) + "; resume from revision " + std::to_string(w.next_rev)
               + " (gone: read the current state first) or raise the history size",
             &out);
    else
      finish(slot, errc::compacted,
             "the history was compacted past revision " + std::to_string(w.next_rev)
               + " before the watch got there; the oldest available revision is "
               + std::to_string(oldest),
             &out);
    return;
  }
  const uint64_t in_flight = w.sent - w.acked;
  if (in_flight >= w.limit)
    return;
  const uint64_t space = w.limit - in_flight;
  std::vector<watch_event> events;
  bool fragment = false;
  auto matches = [&](const write_op& op) {
    return covers(w.req, op.key) && wants(w.req.kinds, kind_of(op));
  };
  history_.for_each_commit_from(w.next_rev, [&](revision rev, const write_op* ops, uint32_t n) {
    uint64_t left = 0;  // matching events of this commit not yet sent
    for (uint32_t i = w.next_op; i < n; ++i)
      left += matches(ops[i]) ? 1 : 0;
    if (left == 0) {
      w.next_rev = rev + 1;
      w.next_op = 0;
      return true;
    }
    if (events.size() + left <= space) {  // the (rest of the) commit fits
      for (uint32_t i = w.next_op; i < n; ++i)
        if (matches(ops[i]))
          events.push_back(make_event(ops[i], w.req.prev_value));
      w.next_rev = rev + 1;
      w.next_op = 0;
      return events.size() < space;
    }
    // It does not fit beside what is outstanding or collected: wait for
    // acks, unless it never could fit whole; then it goes alone, in pieces.
    const bool too_big = w.next_op > 0 || left > w.limit;
    if (!too_big || !events.empty())
      return false;
    uint32_t i = w.next_op;
    for (; i < n && events.size() < space; ++i)
      if (matches(ops[i]))
        events.push_back(make_event(ops[i], w.req.prev_value));
    w.next_op = i;
    fragment = true;
    return false;
  });
  if (!fragment && w.next_rev > history_.last_rev()) {
    w.live = true;
    w.paced = false;
    catching_up_.erase(slot);
  }
  if (!events.empty()) {
    w.sent += events.size();
    out.deliver(slot, watch_batch{w.id, w.next_rev - 1, std::move(events), fragment});
  }
}

void watch_registry::on_group(const group_ptr& g, watch_sink& out) {
  if (!g || g->commits.empty())
    return;
  const revision before = history_.last_rev();
  const revision oldest = history_.oldest_rev();
  history_.push(g);
  // 1. Collect each live watcher's events, in revision order.
  for (const write_op& op : g->ops) {
    index_.for_each_match(op.key, [&](uint32_t s) {
      watcher& w = watchers_[s];
      if (!w.live || op.rev < w.next_rev || !wants(w.req.kinds, kind_of(op)))
        return;
      if (w.pending.empty())
        touched_.push_back(s);
      w.pending.push_back(make_event(op, w.req.prev_value));
    });
  }
  // 2. Send each its batch if it fits its queue. One that does not is paced,
  //    not cancelled: it replays this group and later ones from the history
  //    as its acks make room (in fragments, for a commit larger than its queue).
  for (uint32_t s : touched_) {
    watcher& w = watchers_[s];
    const uint64_t in_flight = w.sent - w.acked;
    const size_t n = w.pending.size();
    if (in_flight + n > w.limit) {
      w.pending.clear();
      w.live = false;
      w.paced = true;
      w.next_rev = std::max(w.next_rev, before + 1);
      w.next_op = 0;
      catching_up_.insert(s);
      ++paced_total_;
      catch_up(s, out);
      continue;
    }
    w.sent += n;
    out.deliver(s, watch_batch{w.id, g->last_rev(), std::exchange(w.pending, {})});
  }
  touched_.clear();
  // 3. Watchers still replaying history may have lost their place.
  if (!catching_up_.empty() && history_.oldest_rev() != oldest)
    check_compacted(out);
}

void watch_registry::check_compacted(watch_sink& out) {
  std::vector<uint32_t> lost;
  for (uint32_t s : catching_up_)
    if (watchers_[s].next_rev < history_.oldest_rev())
      lost.push_back(s);
  for (uint32_t s : lost)
    catch_up(s, out);  // ends it with errc::compacted
}

void watch_registry::ack(watch_id id, uint64_t consumed, watch_sink& out) {
  auto it = ids_.find(id);
  if (it == ids_.end())
    return;
  watcher& w = watchers_[it->second];
  // An ack can only lower what is outstanding, and never below zero: one
  // for more than was sent is forged (it would switch the bound off) and is
  // ignored, as is a stale one.
  if (consumed > w.sent || consumed <= w.acked)
    return;
  w.acked = consumed;
  if (!w.live)
    catch_up(it->second, out);
}

bool watch_registry::cancel(watch_id id, errc code, std::string message, watch_sink& out) {
  auto it = ids_.find(id);
  if (it == ids_.end())
    return false;
  finish(it->second, code, std::move(message), &out);
  return true;
}

std::optional<uint32_t> watch_registry::drop(watch_id id) {
  auto it = ids_.find(id);
  if (it == ids_.end())
    return std::nullopt;
  uint32_t slot = it->second;
  finish(slot, errc::ok, {}, nullptr);
  return slot;
}

void watch_registry::end_all(errc code, const std::string& message, watch_sink& out) {
  std::vector<uint32_t> slots;
  slots.reserve(ids_.size());
  for (const auto& [id, s] : ids_)
    slots.push_back(s);
  std::sort(slots.begin(), slots.end());
  for (uint32_t s : slots)
    finish(s, code, message, &out);
}

void watch_registry::finish(uint32_t slot, errc code, std::string message, watch_sink* out) {
  watcher& w = watchers_[slot];
  watch_end end{w.id, code, reached(w), 0, std::move(message)};
  if (code == errc::compacted)
    end.compact_rev = history_.oldest_rev();
  index_.remove(w.req, slot);
  ids_.erase(w.id);
  catching_up_.erase(slot);
  progress_.erase(slot);
  if (out != nullptr)
    out->end(slot, std::move(end));
  watchers_[slot] = watcher{};
  free_.push_back(slot);
}

int64_t watch_registry::tick(int64_t now_ns, watch_sink& out) {
  int64_t next = 0;
  for (uint32_t s : progress_) {
    watcher& w = watchers_[s];
    if (now_ns >= w.next_due) {
      // Idle for a whole interval, and room for one more item: say where we are.
      if (w.live && w.sent == w.sent_mark && w.sent - w.acked < w.limit) {
        w.sent += 1;
        out.deliver(s, watch_batch{w.id, reached(w), {}});
      }
      w.sent_mark = w.sent;
      w.next_due = now_ns + w.progress_ns;
    }
    if (next == 0 || w.next_due < next)
      next = w.next_due;
  }
  return next;
}

watch_stats watch_registry::stats() const {
  watch_stats out;
  out.watchers = ids_.size();
  out.catching_up = catching_up_.size();
  out.rev = history_.last_rev();
  out.oldest_rev = history_.oldest_rev();
  out.history_events = history_.ops();
  out.history_bytes = history_.bytes();
  out.paced = paced_total_;
  out.incarnation = cfg_.incarnation;
  return out;
}

size_t watch_registry::memory_usage() const noexcept {
  size_t n = watchers_.capacity() * sizeof(watcher) + free_.capacity() * sizeof(uint32_t)
             + ids_.capacity() * (sizeof(watch_id) + sizeof(uint32_t) + 1)
             + (catching_up_.capacity() + progress_.capacity()) * (sizeof(uint32_t) + 1);
  for (const watcher& w : watchers_) {
    if (w.req.key.size() > 15)
      n += w.req.key.capacity();
    if (w.req.range_end.size() > 15)
      n += w.req.range_end.capacity();
    n += w.pending.capacity() * sizeof(watch_event);
  }
  return n + index_.memory_usage();
}

} // namespace moss
