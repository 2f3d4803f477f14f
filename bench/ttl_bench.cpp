// TTL benchmark: expiry lag (deadline to expire event, via a watch) with 1M
// keys whose TTLs are spread over 10 s, and the cost of a set with a TTL
// beside a plain set in the same run.
//
//   ./build/bench/ttl_bench [keys]      (default 1,000,000)
#include <atomic>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <moss/db.hpp>

#include "bench/bench_util.hpp"

using namespace moss;
using namespace moss::bench;
using namespace std::chrono_literals;

namespace {

int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

// Sync set p50/p99, with and without a TTL, in alternating rounds.
void set_cost(db& d) {
  latencies plain, with_ttl_lat;
  uint64_t x = 7;
  for (int round = 0; round < 4; ++round) {
    for (int ttl = 0; ttl < 2; ++ttl) {
      auto l = time_each(25'000, [&](size_t) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        std::string key = "cost/" + std::to_string(x % 50'000);
        auto st = ttl ? d.set(key, "value", with_ttl(1h)) : d.set(key, "value");
        if (!st)
          std::abort();
      });
      (ttl ? with_ttl_lat : plain).merge(l);
    }
  }
  int64_t p = plain.percentile(0.5), t = with_ttl_lat.percentile(0.5);
  std::printf("%-34s %12s %12s\n", "sync set", "p50", "p99");
  std::printf("%-34s %12s %12s\n", "  plain (baseline)", fmt_ns(p).c_str(),
              fmt_ns(plain.percentile(0.99)).c_str());
  std::printf("%-34s %12s %12s   %.2fx p50 (Go original: 2.3x)\n\n", "  with a TTL", fmt_ns(t).c_str(),
              fmt_ns(with_ttl_lat.percentile(0.99)).c_str(), static_cast<double>(t) / static_cast<double>(p));
}

} // namespace

int main(int argc, char** argv) {
  size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  db d = std::move(*db::open({}));
  set_cost(d);

  // Every expire event's key and arrival time.
  std::vector<std::pair<std::string, int64_t>> arrivals;
  arrivals.reserve(n);
  std::atomic<size_t> seen{0};
  watch_request req = watch_request::for_prefix("ttl/");
  req.kinds = watch_filter::expires;
  req.queue_limit = 1u << 22;
  auto handle = d.watch(std::move(req), [&](const watch_event& e) {
    arrivals.emplace_back(e.key, wall_ns());
    seen.fetch_add(1, std::memory_order_release);
  });

  // 1M keys, TTLs spread evenly over [2 s, 12 s).
  auto keys = make_keys(n);
  auto t0 = clock_type::now();
  std::deque<write_future> in_flight;
  for (size_t i = 0; i < n; i += 1000) {
    batch b;
    for (size_t j = i; j < std::min(n, i + 1000); ++j)
      b.set("ttl/" + keys[j], "v", 2s + std::chrono::nanoseconds(10'000'000'000ll * j / n));
    in_flight.push_back(d.txn_async(b.take()));
    if (in_flight.size() == 4) {
      (void) in_flight.front().get();
      in_flight.pop_front();
    }
  }
  for (auto& f : in_flight)
    (void) f.get();
  double load_s = std::chrono::duration<double>(clock_type::now() - t0).count();
  // The deadlines the store assigned.
  std::unordered_map<std::string, int64_t> deadline;
  deadline.reserve(n);
  {
    scan_request all = scan_request::prefix("ttl/");
    all.keys_only = true;
    auto s = d.scan(all);
    for (auto& e : s->entries)
      deadline.emplace(std::move(e.key), e.meta.expiry);
  }
  std::printf("%zu keys with TTLs loaded in %.2f s; %zu deadlines read back\n", n, load_s, deadline.size());
  for (int i = 0; i < 300 && seen.load(std::memory_order_acquire) < n; ++i)
    std::this_thread::sleep_for(100ms);
  handle.cancel();
  size_t got = seen.load(std::memory_order_acquire);
  latencies lag;
  for (size_t i = 0; i < got; ++i) {
    auto it = deadline.find(arrivals[i].first);
    if (it != deadline.end())
      lag.ns.push_back(arrivals[i].second - it->second);
  }
  lag.ops = lag.ns.size();
  std::sort(lag.ns.begin(), lag.ns.end());
  std::printf("%-34s %12s %12s %12s %12s\n", "expiry lag (deadline -> event)", "events", "p50", "p99", "max");
  std::printf("%-34s %12zu %12s %12s %12s   (target p99 <= 10 ms)\n", "  1M keys over 10 s", got,
              fmt_ns(lag.percentile(0.5)).c_str(), fmt_ns(lag.percentile(0.99)).c_str(),
              fmt_ns(lag.ns.empty() ? 0 : lag.ns.back()).c_str());
  auto s = d.stats();
  std::printf("expired by the timer: %llu keys in %llu commits in total\n",
              static_cast<unsigned long long>(s->expired), static_cast<unsigned long long>(s->commits));
  return got == n ? 0 : 1;
}
