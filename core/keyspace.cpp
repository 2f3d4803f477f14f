// Sharded reads and writes over the engines.
#include "core/keyspace.hpp"

#include <algorithm>
#include <functional>
#include <mutex>
#include <thread>

namespace moss {

namespace {

kv copy_out(const record& r, bool with_value) {
  kv out;
  out.key.assign(r.key());
  if (with_value)
    out.value.assign(r.value());
  out.meta = r.meta();
  return out;
}

bool live(const record& r, int64_t now) {
  return !r.expired_at(now);
}

} // namespace

keyspace::keyspace(engine_kind kind, size_t shard_count, std::shared_ptr<const time_source> clock)
  : clock_(clock ? std::move(clock) : system_clock_source()) {
  if (shard_count == 0)
    shard_count = 1;
  shards_.reserve(shard_count);
  for (size_t i = 0; i < shard_count; ++i) {
    shards_.push_back(std::make_unique<shard>());
    shards_.back()->eng = make_engine(kind);
  }
}

size_t keyspace::shard_of(std::string_view key) const noexcept {
  // std::hash, not absl::Hash: the hash engine's table uses absl's bits, and
  // sharding on the same bits would thin out its probe tags.
  return std::hash<std::string_view>{}(key) % shards_.size();
}

std::optional<kv> keyspace::get(std::string_view key, bool with_value, bool include_expired) const {
  const shard& s = *shards_[shard_of(key)];
  std::shared_lock lock(s.mu);
  const record* r = s.eng->find(key);
  if (r == nullptr || (!include_expired && r->expiry() != 0 && !live(*r, clock_->now_ns())))
    return std::nullopt;
  return copy_out(*r, with_value);
}

std::vector<std::shared_lock<std::shared_mutex>> keyspace::lock_consistent(
  const std::atomic<bool>* cancelled) const {
  std::vector<std::shared_lock<std::shared_mutex>> locks;
  locks.reserve(shards_.size());
  for (;;) {
    if (cancelled != nullptr && cancelled->load(std::memory_order_relaxed))
      return locks;
    for (const auto& s : shards_)
      locks.emplace_back(s->mu);  // always in shard order: no deadlock
    if (partial_.load(std::memory_order_acquire) == 0)
      return locks;
    locks.clear();  // a group is half applied: let its last shard finish
    std::this_thread::yield();
  }
}

scan_result keyspace::scan(const scan_request& req) const {
  const size_t limit = req.limit;
  const bool with_value = !req.keys_only;
  auto locks = lock_consistent();
  const int64_t now = clock_->now_ns();
  // 1. Each shard yields up to limit + 1 live entries in key order (the extra
  //    one tells whether the limit cut the scan short).
  std::vector<std::vector<kv>> parts(shards_.size());
  for (size_t i = 0; i < shards_.size(); ++i) {
    auto& part = parts[i];
    auto take = [&](const record& r) {
      if (live(r, now))
        part.push_back(copy_out(r, with_value));
      return limit == 0 || part.size() <= limit;
    };
    if (req.by_prefix)
      shards_[i]->eng->scan_prefix(req.from, 0, take);
    else
      shards_[i]->eng->scan_range(req.from, req.to, 0, take);
  }
  locks.clear();
  // 2. Merge the sorted parts, smallest head first.
  scan_result out;
  std::vector<size_t> next(parts.size(), 0);
  for (;;) {
    size_t best = parts.size();
    for (size_t i = 0; i < parts.size(); ++i)
      if (next[i] < parts[i].size()
          && (best == parts.size() || parts[i][next[i]].key < parts[best][next[best]].key))
        best = i;
    if (best == parts.size())
      break;
    if (limit != 0 && out.entries.size() == limit) {
      out.more = true;
      break;
    }
    out.entries.push_back(std::move(parts[best][next[best]++]));
  }
  return out;
}

std::vector<std::string> keyspace::keys_with_prefix(std::string_view prefix) const {
  scan_request req = scan_request::prefix(std::string{prefix});
  req.keys_only = true;
  std::vector<std::string> keys;
  for (kv& e : scan(req).entries)
    keys.push_back(std::move(e.key));
  return keys;
}

size_t keyspace::size() const {
  size_t n = 0;
  for (const auto& s : shards_) {
    std::shared_lock lock(s->mu);
    n += s->eng->size();
  }
  return n;
}

size_t keyspace::memory_usage() const {
  size_t n = 0;
  for (const auto& s : shards_) {
    std::shared_lock lock(s->mu);
    n += s->eng->memory_usage();
  }
  return n;
}

void keyspace::restore(std::string_view key, std::string_view value, const record_meta& meta) {
  shard& s = *shards_[shard_of(key)];
  std::unique_lock lock(s.mu);
  s.eng->put(record::make(key, value, meta));
}

void keyspace::replay_put(std::string_view key, std::string_view value, revision rev,
                          int64_t expiry, int64_t now) {
  shard& s = *shards_[shard_of(key)];
  std::unique_lock lock(s.mu);
  const record* old = s.eng->find(key);
  if (old != nullptr && !live(*old, now))
    old = nullptr;
  s.eng->put(record::make(key, value, next_meta(old, rev, expiry)));
}

size_t keyspace::cut::entries() const noexcept {
  size_t n = 0;
  for (const auto& part : shards)
    n += part.size();
  return n;
}

std::optional<keyspace::cut> keyspace::pin(const std::atomic<bool>& cancelled) {
  cut out;
  out.shards.resize(shards_.size());
  // Sizes first, so the copy under the locks does not reallocate.
  for (size_t i = 0; i < shards_.size(); ++i) {
    std::shared_lock lock(shards_[i]->mu);
    out.shards[i].reserve(shards_[i]->eng->size() + 64);
  }
  auto locks = lock_consistent(&cancelled);
  if (locks.empty())
    return std::nullopt;
  out.rev = applied_rev();
  for (size_t i = 0; i < shards_.size(); ++i) {
    shards_[i]->pinned = true;  // the writer reads it under its exclusive lock
    auto& part = out.shards[i];
    shards_[i]->eng->for_each([&](const record& r) {
      part.push_back(&r);
      return true;
    });
  }
  return out;
}

void keyspace::unpin() {
  for (auto& s : shards_) {
    std::vector<record_ptr> dead;
    {
      std::unique_lock lock(s->mu);
      s->pinned = false;
      dead.swap(s->graveyard);
    }
  }  // freed outside the locks
}

void keyspace::retire(shard& s, record_ptr r) {
  if (r && s.pinned)
    s.graveyard.push_back(std::move(r));
}

void keyspace::restore_erase(std::string_view key) {
  shard& s = *shards_[shard_of(key)];
  std::unique_lock lock(s.mu);
  s.eng->erase(key);
}

size_t keyspace::drop_expired(int64_t now) {
  size_t dropped = 0;
  for (auto& s : shards_) {
    std::unique_lock lock(s->mu);
    std::vector<std::string> expired;
    s->eng->for_each([&](const record& r) {
      if (!live(r, now))
        expired.emplace_back(r.key());
      return true;
    });
    for (auto& key : expired)
      s->eng->erase(key);
    dropped += expired.size();
  }
  return dropped;
}

void keyspace::for_each_unlocked(record_visitor fn) const {
  for (const auto& s : shards_) {
    bool go_on = true;
    s->eng->for_each([&](const record& r) { return go_on = fn(r); });
    if (!go_on)
      return;
  }
}

void keyspace::replace_all(keyspace& from) {
  std::vector<std::unique_lock<std::shared_mutex>> locks;
  locks.reserve(shards_.size());
  for (auto& s : shards_)
    locks.emplace_back(s->mu);
  for (size_t i = 0; i < shards_.size(); ++i)
    std::swap(shards_[i]->eng, from.shards_[i]->eng);
  applied_rev_.store(from.applied_rev(), std::memory_order_release);
}

bool keyspace::apply(size_t index, const write_group& g) {
  shard& s = *shards_[index];
  std::unique_lock lock(s.mu);
  // Each op's lookup is a cache miss into a large table: start the one a
  // few ops ahead while this one is applied.
  constexpr size_t lookahead = 8;
  const size_t n = g.ops.size();
  for (size_t i = 0; i < std::min(n, lookahead); ++i)
    if (g.ops[i].shard == index)
      s.eng->prefetch(g.ops[i].key);
  for (size_t i = 0; i < n; ++i) {
    const write_op& op = g.ops[i];
    if (i + lookahead < n && g.ops[i + lookahead].shard == index)
      s.eng->prefetch(g.ops[i + lookahead].key);
    if (op.shard != index)
      continue;
    if (op.kind != change_kind::put) {
      record_ptr gone = s.eng->erase(op.key);
      if (g.capture_prev && gone && live(*gone, g.now))
        op.prev_value.emplace(gone->value());
      retire(s, std::move(gone));
      continue;
    }
    const record* old = nullptr;
    if (!op.resolved || g.capture_prev) {
      old = s.eng->find(op.key);
      if (old != nullptr && !live(*old, g.now))
        old = nullptr;
    }
    if (!op.resolved) {
      if (old != nullptr) {
        record_meta before = old->meta();
        resolve_put(op, &before);
      } else {
        resolve_put(op, nullptr);
      }
    }
    if (g.capture_prev && old != nullptr)
      op.prev_value.emplace(old->value());
    retire(s, s.eng->put(record::make(op.key, op.value, op.meta)));
  }
  uint32_t before = g.shards_pending.fetch_sub(1, std::memory_order_acq_rel);
  if (before == 1)
    applied_rev_.store(g.last_rev(), std::memory_order_release);
  if (g.shards_touched > 1) {
    if (before == g.shards_touched)
      partial_.fetch_add(1, std::memory_order_acq_rel);  // first part applied
    if (before == 1)
      partial_.fetch_sub(1, std::memory_order_acq_rel);  // last part applied
  }
  return before == 1;
}

} // namespace moss
