// Whole-store benchmark of the embedded facade: sync get and set from 1 and 2
// threads, async and batched set throughput, and tx read-modify-write, each
// beside a std::unordered_map + std::shared_mutex baseline run in the same
// process. 1M keys of 16 bytes, 100-byte values, both engines.
//
//   ./build/bench/db_bench [keys]
#include <cstdlib>
#include <deque>
#include <iostream>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "bench/bench_util.hpp"
#include "client/db.hpp"

using namespace moss;
using namespace moss::bench;

namespace {

const std::string value(100, 'v');

// The baseline: what a plain thread-safe map costs.
struct baseline_store {
  std::unordered_map<std::string, std::string> map;
  mutable std::shared_mutex mu;

  std::optional<std::string> get(const std::string& k) const {
    std::shared_lock lock(mu);
    auto it = map.find(k);
    return it == map.end() ? std::nullopt : std::optional{it->second};
  }
  void set(const std::string& k, const std::string& v) {
    std::unique_lock lock(mu);
    map.insert_or_assign(k, v);
  }
  void increment(const std::string& k) {
    std::unique_lock lock(mu);
    auto& v = map[k];
    v = std::to_string(std::atoll(v.c_str()) + 1);
  }
};

// Runs fn(thread_index) on `threads` threads and merges their samples.
template <class Fn>
latencies on_threads(int threads, Fn fn) {
  std::vector<latencies> parts(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] { parts[static_cast<size_t>(t)] = fn(t); });
  for (auto& th : pool)
    th.join();
  latencies all;
  for (auto& p : parts)
    all.merge(p);
  return all;
}

void row(const char* name, latencies base, latencies moss, bool latency) {
  if (latency) {
    int64_t bp50 = base.percentile(0.5), mp50 = moss.percentile(0.5);
    std::printf("%-22s %10s %10s %11s | %10s %10s %11s | %6.2fx p50\n", name, fmt_ns(bp50).c_str(),
                fmt_ns(base.percentile(0.99)).c_str(), fmt_rate(base.ops_per_sec()).c_str(),
                fmt_ns(mp50).c_str(), fmt_ns(moss.percentile(0.99)).c_str(),
                fmt_rate(moss.ops_per_sec()).c_str(),
                static_cast<double>(mp50) / static_cast<double>(std::max<int64_t>(bp50, 1)));
  } else {
    std::printf("%-22s %10s %10s %11s | %10s %10s %11s | %6.2fx ops\n", name, "-", "-",
                fmt_rate(base.ops_per_sec()).c_str(), "-", "-", fmt_rate(moss.ops_per_sec()).c_str(),
                moss.ops_per_sec() / base.ops_per_sec());
  }
  std::fflush(stdout);
}

void run_engine(engine_kind kind, const std::vector<std::string>& keys) {
  const size_t n = keys.size();
  options opts;
  opts.engine = kind;
  db d = std::move(*db::open(opts));
  baseline_store base;
  {
    auto t0 = clock_type::now();
    for (size_t i = 0; i < n; i += 10'000) {
      batch b;
      for (size_t j = i; j < std::min(n, i + 10'000); ++j)
        b.set(keys[j], value);
      (void) d.write(b);
    }
    double s = std::chrono::duration<double>(clock_type::now() - t0).count();
    for (auto& k : keys)
      base.set(k, value);
    std::printf("\n== engine %s: %zu keys loaded in %.2f s (batches of 10k); store memory %.0f MB\n",
                std::string{to_string(kind)}.c_str(), n, s,
                static_cast<double>(d.stats()->memory_bytes) / 1e6);
  }
  std::printf("%-22s %10s %10s %11s | %10s %10s %11s |\n", "workload", "base p50", "base p99",
              "base ops", "moss p50", "moss p99", "moss ops");

  auto pick = [&](uint64_t& x) -> const std::string& {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return keys[x % n];
  };
  for (int threads : {1, 2}) {
    const size_t ops = 400'000;
    auto b = on_threads(threads, [&](int t) {
      uint64_t x = 88172645463325252ull + static_cast<uint64_t>(t);
      return time_each(ops, [&](size_t) { (void) base.get(pick(x)); });
    });
    auto m = on_threads(threads, [&](int t) {
      uint64_t x = 88172645463325252ull + static_cast<uint64_t>(t);
      return time_each(ops, [&](size_t) { (void) d.get(pick(x)); });
    });
    row(threads == 1 ? "sync get, 1 thread" : "sync get, 2 threads", b, m, true);
  }
  {
    // One key over and over: the software path alone, without memory latency.
    const std::string& hot = keys[0];
    auto b = time_each(400'000, [&](size_t) { (void) base.get(hot); });
    auto m = time_each(400'000, [&](size_t) { (void) d.get(hot); });
    row("sync get, hot key", b, m, true);
  }
  for (int threads : {1, 2}) {
    const size_t ops = 100'000;
    auto b = on_threads(threads, [&](int t) {
      uint64_t x = 1234567ull + static_cast<uint64_t>(t);
      return time_each(ops, [&](size_t) { base.set(pick(x), value); });
    });
    auto m = on_threads(threads, [&](int t) {
      uint64_t x = 1234567ull + static_cast<uint64_t>(t);
      return time_each(ops, [&](size_t) { (void) d.set(pick(x), value); });
    });
    row(threads == 1 ? "sync set, 1 thread" : "sync set, 2 threads", b, m, true);
  }
  {
    const size_t ops = 1'000'000;
    uint64_t x = 99;
    auto b = time_total(ops, [&](size_t count) {
      for (size_t i = 0; i < count; ++i)
        base.set(pick(x), value);
    });
    x = 99;
    auto m = time_total(ops, [&](size_t count) {
      std::vector<write_future> window;
      window.reserve(8192);
      for (size_t i = 0; i < count; ++i) {
        window.push_back(d.set_async(pick(x), value));
        if (window.size() == 8192) {  // bound what is in flight
          for (auto& f : window)
            (void) f.get();
          window.clear();
        }
      }
      for (auto& f : window)
        (void) f.get();
    });
    row("async set (8k window)", b, m, false);
    x = 99;
    auto mb = time_total(ops, [&](size_t count) {
      for (size_t i = 0; i < count; i += 1000) {
        batch bt;
        for (size_t j = 0; j < 1000; ++j)
          bt.set(pick(x), value);
        (void) d.write(bt);
      }
    });
    row("batched set (1000/commit)", b, mb, false);
    x = 99;
    auto mab = time_total(ops, [&](size_t count) {
      std::deque<write_future> in_flight;  // overlap building, deciding and applying
      for (size_t i = 0; i < count; i += 1000) {
        batch bt;
        for (size_t j = 0; j < 1000; ++j)
          bt.set(pick(x), value);
        in_flight.push_back(d.txn_async(bt.take()));
        if (in_flight.size() == 4) {
          (void) in_flight.front().get();
          in_flight.pop_front();
        }
      }
      for (auto& f : in_flight)
        (void) f.get();
    });
    row("async batches (4 x 1000)", b, mab, false);
  }
  for (int threads : {1, 2}) {
    const size_t ops = 50'000;
    auto b = on_threads(threads, [&](int t) {
      uint64_t x = 777ull + static_cast<uint64_t>(t);
      return time_each(ops, [&](size_t) { base.increment(pick(x)); });
    });
    auto m = on_threads(threads, [&](int t) {
      uint64_t x = 777ull + static_cast<uint64_t>(t);
      return time_each(ops, [&](size_t) {
        const std::string& k = pick(x);
        (void) d.tx([&](tx& t2) {
          auto v = t2.get(k);
          t2.set(k, std::to_string(v.ok() && *v ? std::atoll((*v)->c_str()) + 1 : 1));
          return status::ok();
        });
      });
    });
    row(threads == 1 ? "tx get+set, 1 thread" : "tx get+set, 2 threads", b, m, true);
  }
  auto s = d.stats();
  std::printf("commits %llu in %llu groups (%.1f commits/group)\n",
              static_cast<unsigned long long>(s->commits), static_cast<unsigned long long>(s->groups),
              static_cast<double>(s->commits) / static_cast<double>(std::max<uint64_t>(s->groups, 1)));
}

} // namespace

int main(int argc, char** argv) {
  size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  std::printf("db_bench: %zu keys, 16-byte keys, 100-byte values, %u hardware threads\n", n,
              std::thread::hardware_concurrency());
  std::printf("baseline: std::unordered_map + std::shared_mutex in this process\n");
  auto keys = make_keys(n);
  run_engine(engine_kind::hash, keys);
  run_engine(engine_kind::radix, keys);
  return 0;
}
