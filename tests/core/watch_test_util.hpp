// Helpers for watch tests without actors: commit groups built by hand, a sink
// that records what a registry emits, and the seed of randomized tests.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <map>
#include <ostream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/watch_registry.hpp"

namespace moss {

/// Readable failures: "put k=v @3 (prev p)".
inline void PrintTo(const watch_event& ev, std::ostream* os) {
  static const char* names[] = {"create", "update", "del", "expire", "progress"};
  *os << names[static_cast<int>(ev.kind)] << " " << ev.key << "=" << ev.value << " @" << ev.rev;
  if (ev.has_prev)
    *os << " (prev " << ev.prev_value << ")";
}

} // namespace moss

namespace moss::test {

/// A seed from MOSS_SEED, or a fresh one; printed so a failure can be replayed.
inline uint64_t test_seed() {
  uint64_t seed = std::random_device{}();
  if (const char* s = std::getenv("MOSS_SEED"))
    seed = std::strtoull(s, nullptr, 10);
  std::printf("MOSS_SEED=%llu\n", static_cast<unsigned long long>(seed));
  return seed;
}

inline write_op put_op(std::string key, std::string value, bool existed = false,
                       std::optional<std::string> prev = std::nullopt) {
  write_op op;
  op.kind = change_kind::put;
  op.key = std::move(key);
  op.value = std::move(value);
  op.existed = existed;
  op.resolved = true;
  op.prev_value = std::move(prev);
  return op;
}

inline write_op del_op(std::string key, std::optional<std::string> prev = std::nullopt,
                       change_kind kind = change_kind::del) {
  write_op op;
  op.kind = kind;
  op.key = std::move(key);
  op.existed = true;
  op.resolved = true;
  op.prev_value = std::move(prev);
  return op;
}

/// Builds a group of consecutive commits.
class group_builder {
public:
  group_builder& commit(revision rev, std::vector<write_op> ops) {
    auto first = static_cast<uint32_t>(g_->ops.size());
    for (auto& op : ops) {
      op.rev = rev;
      if (op.kind == change_kind::put)
        op.meta.mod_rev = rev;
      g_->ops.push_back(std::move(op));
    }
    g_->commits.push_back({rev, first, static_cast<uint32_t>(ops.size())});
    return *this;
  }
  group_ptr build() { return std::exchange(g_, std::make_shared<write_group>()); }

private:
  std::shared_ptr<write_group> g_ = std::make_shared<write_group>();
};

/// Records batches and ends by watch id.
class recording_sink final : public watch_sink {
public:
  void deliver(uint32_t, watch_batch&& b) override {
    auto& w = by_id[b.id];
    w.batches.push_back(b.rev);
    w.fragments.push_back(b.fragment);
    w.items += b.events.empty() ? 1 : b.events.size();
    for (auto& ev : b.events)
      w.events.push_back(std::move(ev));
  }
  void end(uint32_t, watch_end&& e) override { by_id[e.id].end = std::move(e); }

  struct log {
    std::vector<watch_event> events;
    std::vector<revision> batches;  ///< rev of each batch
    std::vector<bool> fragments;    ///< each batch's fragment flag
    uint64_t items = 0;             ///< events plus progress notices
    std::optional<watch_end> end;
  };
  std::map<watch_id, log> by_id;
};

} // namespace moss::test
