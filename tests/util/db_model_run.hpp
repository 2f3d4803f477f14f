// Randomized runs of a moss::db against std::map models, shared by the
// embedded and the remote tests: what a store holds under a prefix, and
// threads mixing sync and async writes, deletes and reads, each on keys of
// its own, which must end exactly at their models.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <moss/db.hpp>

namespace moss::test {

using kv_map = std::map<std::string, std::string>;

/// The entries under `prefix`, read as one scan (a failed scan fails the test).
inline kv_map contents_under(const db& d, std::string_view prefix) {
  kv_map out;
  auto cut = d.scan_prefix(prefix);
  if (!cut) {
    ADD_FAILURE() << "scan of " << prefix << " failed: " << cut.error().to_string();
    return out;
  }
  for (auto& e : cut->entries)
    out[e.key] = e.value;
  return out;
}

/// `threads` threads each make `ops` random calls on `key_space` keys under
/// "<tag><thread>/": deletes, async sets, sync sets, and reads that first
/// wait for the thread's async sets (they are visible once answered). Every
/// answer is checked against the thread's model; at the end so is the store.
inline void run_mixed_writers(db& d, std::string_view tag, int threads, int ops, int key_space,
                              uint64_t seed) {
  std::vector<kv_map> models(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      std::mt19937_64 rng(seed * 7 + static_cast<uint64_t>(t));
      auto& model = models[static_cast<size_t>(t)];
      const std::string prefix = std::string{tag} + std::to_string(t) + "/";
      std::vector<write_future> pending;
      for (int i = 0; i < ops; ++i) {
        const std::string key = prefix + std::to_string(rng() % static_cast<uint64_t>(key_space));
        const std::string value = std::to_string(i);
        switch (rng() % 5) {
          case 0: {  // a sync commit after async ones keeps their order
            auto found = d.del(key);
            ASSERT_TRUE(found) << found.error().to_string();
            ASSERT_EQ(*found, model.erase(key) == 1) << key;
            break;
          }
          case 1:
            pending.push_back(d.set_async(key, value));
            model[key] = value;
            break;
          case 2: {
            for (auto& f : pending)
              ASSERT_TRUE(f.get());
            pending.clear();
            auto v = d.get(key);
            ASSERT_TRUE(v) << v.error().to_string();
            auto it = model.find(key);
            ASSERT_EQ(v->has_value(), it != model.end()) << key;
            if (it != model.end()) {
              ASSERT_EQ(**v, it->second) << key;
            }
            break;
          }
          default:
            ASSERT_TRUE(d.set(key, value));
            model[key] = value;
        }
      }
      for (auto& f : pending)
        ASSERT_TRUE(f.get());
    });
  for (auto& th : pool)
    th.join();
  for (int t = 0; t < threads; ++t)
    EXPECT_EQ(contents_under(d, std::string{tag} + std::to_string(t) + "/"), models[static_cast<size_t>(t)])
      << "thread " << t;
}

} // namespace moss::test
