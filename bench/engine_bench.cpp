// Engine micro-benchmarks: random get, put (overwrite), erase and a 100-result
// prefix scan on the hash engine and the radix tree, beside std::unordered_map
// and std::map in the same run; plus real heap bytes per key (mallinfo2).
// 16-byte keys (hex of a mixed 64-bit number), 100-byte values.
#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <benchmark/benchmark.h>

#include "engine/engine.hpp"

namespace {

constexpr size_t value_size = 100;

const std::vector<std::string>& all_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    out.reserve(1'000'000);
    std::mt19937_64 rng(42);
    char buf[17];
    for (size_t i = 0; i < 1'000'000; ++i) {
      std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
      out.emplace_back(buf, 16);
    }
    return out;
  }();
  return keys;
}

// A random order of indexes into the first n keys, so lookups miss the cache.
std::vector<uint32_t> shuffled(size_t n) {
  std::vector<uint32_t> idx(n);
  for (size_t i = 0; i < n; ++i)
    idx[i] = static_cast<uint32_t>(i);
  std::shuffle(idx.begin(), idx.end(), std::mt19937(7));
  return idx;
}

const std::string value(value_size, 'v');

// Uniform adapters over the four structures.
struct umap_store {
  std::unordered_map<std::string, std::string> m;
  void put(const std::string& k, const std::string& v) { m.insert_or_assign(k, v); }
  const char* get(const std::string& k) const {
    auto it = m.find(k);
    return it == m.end() ? nullptr : it->second.data();
  }
  bool erase(const std::string& k) { return m.erase(k) != 0; }
  size_t scan_prefix(const std::string& p, size_t limit) const {
    std::vector<const std::string*> hits;
    for (auto& [k, v] : m)
      if (k.starts_with(p))
        hits.push_back(&k);
    size_t n = std::min(limit, hits.size());
    std::partial_sort(hits.begin(), hits.begin() + n, hits.end(),
                      [](auto* a, auto* b) { return *a < *b; });
    return n;
  }
};

struct map_store {
  std::map<std::string, std::string> m;
  void put(const std::string& k, const std::string& v) { m.insert_or_assign(k, v); }
  const char* get(const std::string& k) const {
    auto it = m.find(k);
    return it == m.end() ? nullptr : it->second.data();
  }
  bool erase(const std::string& k) { return m.erase(k) != 0; }
  size_t scan_prefix(const std::string& p, size_t limit) const {
    size_t n = 0;
    for (auto it = m.lower_bound(p); it != m.end() && n < limit && it->first.starts_with(p); ++it)
      benchmark::DoNotOptimize(it->second.data()), ++n;
    return n;
  }
};

template <moss::engine_kind Kind>
struct engine_store {
  std::unique_ptr<moss::engine> e = moss::make_engine(Kind);
  moss::revision rev = 0;
  void put(const std::string& k, const std::string& v) {
    ++rev;
    e->put(moss::record::make(k, v, moss::next_meta(e->find(k), rev, 0)));
  }
  const char* get(const std::string& k) const {
    const moss::record* r = e->find(k);
    return r == nullptr ? nullptr : r->value().data();
  }
  bool erase(const std::string& k) { return static_cast<bool>(e->erase(k)); }
  size_t scan_prefix(const std::string& p, size_t limit) const {
    size_t n = 0;
    e->scan_prefix(p, limit, [&](const moss::record& r) {
      benchmark::DoNotOptimize(r.value().data());
      ++n;
      return true;
    });
    return n;
  }
};
using hash_store = engine_store<moss::engine_kind::hash>;
using radix_store = engine_store<moss::engine_kind::radix>;

template <class Store>
void fill(Store& s, size_t n) {
  const auto& keys = all_keys();
  for (size_t i = 0; i < n; ++i)
    s.put(keys[i], value);
}

template <class Store>
void BM_get(benchmark::State& state) {
  size_t n = static_cast<size_t>(state.range(0));
  Store s;
  fill(s, n);
  auto order = shuffled(n);
  const auto& keys = all_keys();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.get(keys[order[i]]));
    if (++i == n)
      i = 0;
  }
}

template <class Store>
void BM_put(benchmark::State& state) {
  size_t n = static_cast<size_t>(state.range(0));
  Store s;
  fill(s, n);
  auto order = shuffled(n);
  const auto& keys = all_keys();
  size_t i = 0;
  for (auto _ : state) {
    s.put(keys[order[i]], value);
    if (++i == n)
      i = 0;
  }
}

// Erases up to n/2 distinct random keys from a full store.
template <class Store>
void BM_erase(benchmark::State& state) {
  size_t n = static_cast<size_t>(state.range(0));
  Store s;
  fill(s, n);
  auto order = shuffled(n);
  const auto& keys = all_keys();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.erase(keys[order[i]]));
    if (++i == n / 2) {
      state.PauseTiming();
      for (size_t j = 0; j < i; ++j)
        s.put(keys[order[j]], value);
      i = 0;
      state.ResumeTiming();
    }
  }
}

// The first 100 keys under a 2-hex-digit prefix (~3,900 matches at 1M keys).
template <class Store>
void BM_scan100(benchmark::State& state) {
  size_t n = static_cast<size_t>(state.range(0));
  Store s;
  fill(s, n);
  size_t i = 0;
  size_t got = 0;
  for (auto _ : state) {
    char p[3];
    std::snprintf(p, sizeof p, "%02zx", i++ % 256);
    got = s.scan_prefix(p, 100);
    benchmark::DoNotOptimize(got);
  }
  if (got != 100)
    state.SkipWithError("scan returned fewer than 100 results");
}

// Real heap bytes per entry, and the overhead beyond the 116 key+value bytes.
template <class Store>
void BM_memory(benchmark::State& state) {
  size_t n = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    malloc_trim(0);
    size_t before = mallinfo2().uordblks;
    auto* s = new Store;
    fill(*s, n);
    size_t used = mallinfo2().uordblks - before;
    state.counters["bytes_per_key"] = static_cast<double>(used) / static_cast<double>(n);
    state.counters["overhead_per_key"] =
      static_cast<double>(used) / static_cast<double>(n) - static_cast<double>(16 + value_size);
    delete s;
  }
}

#define MOSS_BENCH_ALL(fn)                                                                   \
  BENCHMARK_TEMPLATE(fn, umap_store)->Arg(100'000)->Arg(1'000'000)->Name(#fn "/unordered_map"); \
  BENCHMARK_TEMPLATE(fn, map_store)->Arg(100'000)->Arg(1'000'000)->Name(#fn "/std_map");        \
  BENCHMARK_TEMPLATE(fn, hash_store)->Arg(100'000)->Arg(1'000'000)->Name(#fn "/moss_hash");     \
  BENCHMARK_TEMPLATE(fn, radix_store)->Arg(100'000)->Arg(1'000'000)->Name(#fn "/moss_radix")

MOSS_BENCH_ALL(BM_get);
MOSS_BENCH_ALL(BM_put);
MOSS_BENCH_ALL(BM_erase);
MOSS_BENCH_ALL(BM_scan100);

BENCHMARK_TEMPLATE(BM_memory, umap_store)->Arg(100'000)->Arg(1'000'000)->Iterations(1)->Name("BM_memory/unordered_map");
BENCHMARK_TEMPLATE(BM_memory, map_store)->Arg(100'000)->Arg(1'000'000)->Iterations(1)->Name("BM_memory/std_map");
BENCHMARK_TEMPLATE(BM_memory, hash_store)->Arg(100'000)->Arg(1'000'000)->Iterations(1)->Name("BM_memory/moss_hash");
BENCHMARK_TEMPLATE(BM_memory, radix_store)->Arg(100'000)->Arg(1'000'000)->Iterations(1)->Name("BM_memory/moss_radix");

} // namespace

BENCHMARK_MAIN();
