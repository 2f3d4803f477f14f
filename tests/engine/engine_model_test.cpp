// A randomized differential test: a million mixed operations on each engine
// and on a std::map model, with scans, compared step by step. The seed is
// printed; set MOSS_SEED to replay a failure.
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/engine.hpp"

namespace moss {
namespace {

uint64_t test_seed() {
  if (const char* s = std::getenv("MOSS_SEED"))
    return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

// Keys with shared prefixes (short, "user/", and one longer than a node's
// stored path), bytes 0x00 and 0xFF, and keys that are prefixes of others.
// The key space (~90k) is small enough that keys are rewritten and erased often.
class key_source {
public:
  explicit key_source(std::mt19937_64& rng) : rng_(rng) {}
  std::string next() {
    static const std::string prefixes[] = {"", "u/", "user/profile/", "a-much-longer-prefix-of-31-bytes"};
    static const char alphabet[] = {'\0', '\x01', 'a', 'b', 'c', '\x7f', '\x80', '\xff'};
    std::string k = prefixes[rng_() % 4];
    if (rng_() % 4 == 0)  // a full-range byte makes nodes grow to node48 and node256
      k += static_cast<char>(rng_() % 256);
    size_t len = rng_() % 5;
    for (size_t i = 0; i < len; ++i)
      k += alphabet[rng_() % sizeof alphabet];
    return k;
  }

private:
  std::mt19937_64& rng_;
};

struct model_value {
  std::string value;
  record_meta meta;
};

class EngineModelTest : public ::testing::TestWithParam<engine_kind> {};

TEST_P(EngineModelTest, MillionRandomOperationsMatchStdMap) {
  const uint64_t seed = test_seed();
  std::cout << "[ seed ] MOSS_SEED=" << seed << " engine=" << to_string(GetParam()) << "\n";
  std::mt19937_64 rng(seed);
  key_source keys(rng);
  auto eng = make_engine(GetParam());
  std::map<std::string, model_value> model;

  auto check_scan = [&](auto first, auto last, size_t limit, auto run) {
    std::vector<std::pair<std::string, std::string>> want, got;
    for (auto it = first; it != last && (limit == 0 || want.size() < limit); ++it)
      want.emplace_back(it->first, it->second.value);
    run([&](const record& r) {
      got.emplace_back(r.key(), r.value());
      return true;
    });
    return want == got;
  };

  constexpr int ops = 1'000'000;
  for (int i = 1; i <= ops; ++i) {
    std::string key = keys.next();
    unsigned roll = rng() % 100;
    if (roll < 45) {
      std::string value = std::to_string(i) + std::string(rng() % 20, 'v');
      int64_t expiry = rng() % 4 == 0 ? static_cast<int64_t>(rng() % 1000) + 1 : 0;
      const record* old = eng->find(key);
      record_meta meta = next_meta(old, static_cast<revision>(i), expiry);
      record_ptr replaced = eng->put(record::make(key, value, meta));
      auto it = model.find(key);
      ASSERT_EQ(static_cast<bool>(replaced), it != model.end()) << "op " << i;
      if (replaced) {
        ASSERT_EQ(replaced->value(), it->second.value) << "op " << i;
      }
      model[key] = {value, meta};
    } else if (roll < 75) {
      record_ptr gone = eng->erase(key);
      auto it = model.find(key);
      ASSERT_EQ(static_cast<bool>(gone), it != model.end()) << "op " << i;
      if (gone) {
        ASSERT_EQ(gone->value(), it->second.value);
        model.erase(it);
      }
    } else if (roll < 99 || rng() % 3 != 0) {  // scans: ~0.3% of operations
      const record* r = eng->find(key);
      auto it = model.find(key);
      ASSERT_EQ(r != nullptr, it != model.end()) << "op " << i;
      if (r != nullptr) {
        ASSERT_EQ(r->value(), it->second.value) << "op " << i;
        ASSERT_EQ(r->meta(), it->second.meta) << "op " << i;
      }
    } else {
      size_t limit = rng() % 8 == 0 ? 0 : rng() % 50 + 1;
      if (rng() % 2 == 0) {
        auto first = model.lower_bound(key);
        auto last = first;
        while (last != model.end() && last->first.starts_with(key))
          ++last;
        ASSERT_TRUE(check_scan(first, last, limit, [&](auto fn) { eng->scan_prefix(key, limit, fn); }))
          << "prefix scan at op " << i;
      } else {
        std::string to = rng() % 4 == 0 ? std::string{} : keys.next();
        auto first = model.lower_bound(key);
        auto last = to.empty() ? model.end() : model.lower_bound(to);
        if (!to.empty() && to <= key)
          last = first;
        ASSERT_TRUE(check_scan(first, last, limit, [&](auto fn) { eng->scan_range(key, to, limit, fn); }))
          << "range scan at op " << i;
      }
    }
    ASSERT_EQ(eng->size(), model.size()) << "op " << i;
  }
  std::map<std::string, std::string> everything;
  eng->for_each([&](const record& r) {
    everything.emplace(r.key(), r.value());
    return true;
  });
  ASSERT_EQ(everything.size(), model.size());
  for (auto& [k, v] : model)
    ASSERT_EQ(everything[k], v.value);
}

INSTANTIATE_TEST_SUITE_P(BothEngines, EngineModelTest,
                         ::testing::Values(engine_kind::hash, engine_kind::radix),
                         [](const auto& info) { return std::string{to_string(info.param)}; });

} // namespace
} // namespace moss
