// Watch benchmark: events delivered per second with 1, 100 and 1,000 watchers
// on a prefix while one writer sets keys under it; what 1,000 idle watchers
// on unrelated prefixes, keys or ranges add to a sync set (baseline: the same
// set loop with no watcher, run in the same process, alternating); heap bytes
// per watcher.
//
//   ./build/bench/watch_bench [scale]   (scale 1 = default sizes)
#include <malloc.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <moss/db.hpp>

#include "bench/bench_util.hpp"
#include "core/watch_registry.hpp"

using namespace moss;
using namespace moss::bench;

namespace {

const std::string value(100, 'v');

db open_db() {
  options opts;
  opts.threads = 2;
  opts.shards = 2;
  auto d = db::open(opts);
  if (!d) {
    std::fprintf(stderr, "open failed: %s\n", d.error().to_string().c_str());
    std::exit(1);
  }
  return std::move(*d);
}

std::string key_of(const char* prefix, size_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%08zu", prefix, i);
  return buf;
}

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// Events per second delivered to `watchers` callback watchers on "w/" while
// one writer sets `sets` keys under it (sync sets, or async in windows).
double delivery_rate(size_t watchers, size_t sets, bool async, bool stream) {
  db d = open_db();
  std::atomic<uint64_t> delivered{0};
  std::vector<watch_handle> handles;
  std::vector<watch_stream> streams;
  watch_request req = watch_request::for_prefix("w/");
  req.queue_limit = 1u << 22;
  for (size_t i = 0; i < watchers; ++i) {
    if (stream)
      streams.push_back(d.watch(req));
    else
      handles.push_back(d.watch(req, [&](const watch_event&) {
        delivered.fetch_add(1, std::memory_order_relaxed);
      }));
  }
  std::thread reader;
  if (stream)
    reader = std::thread([&] {
      for (auto& s : streams)
        for (uint64_t n = 0; n < sets && s.next(); ++n)
          delivered.fetch_add(1, std::memory_order_relaxed);
    });
  const uint64_t total = watchers * sets;
  auto t0 = clock_type::now();
  if (async) {
    std::vector<write_future> window;
    for (size_t i = 0; i < sets; ++i) {
      window.push_back(d.set_async(key_of("w/", i), value));
      if (window.size() == 256) {
        for (auto& f : window)
          (void) f.get();
        window.clear();
      }
    }
    for (auto& f : window)
      (void) f.get();
  } else {
    for (size_t i = 0; i < sets; ++i)
      (void) d.set(key_of("w/", i), value);
  }
  while (delivered.load(std::memory_order_relaxed) < total)
    std::this_thread::yield();
  double secs = seconds_since(t0);
  if (reader.joinable())
    reader.join();
  return static_cast<double>(total) / secs;
}

// Sync set latencies with `kind` idle watchers (none, prefix, key, range).
latencies set_latency(db& d, size_t n, size_t round) {
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "s%zu/", round);
  return time_each(n, [&](size_t i) { (void) d.set(key_of(prefix, i), value); });
}

size_t heap_in_use() {
  return mallinfo2().uordblks;
}

} // namespace

int main(int argc, char** argv) {
  double scale = argc > 1 ? std::atof(argv[1]) : 1.0;
  auto scaled = [&](size_t n) { return std::max<size_t>(1, static_cast<size_t>(n * scale)); };

  std::printf("== events delivered per second (one writer, 100-byte values, prefix watchers)\n");
  std::printf("%-10s %-26s %14s\n", "watchers", "writer / consumer", "events/s");
  for (size_t w : {1, 100, 1000}) {
    size_t sets = scaled(w == 1 ? 200'000 : w == 100 ? 20'000 : 3'000);
    std::printf("%-10zu %-26s %14.0f\n", w, "sync set / callback", delivery_rate(w, sets / 4, false, false));
    std::printf("%-10zu %-26s %14.0f\n", w, "async set / callback", delivery_rate(w, sets, true, false));
  }
  std::printf("%-10d %-26s %14.0f\n", 1, "async set / stream next()", delivery_rate(1, scaled(200'000), true, true));
  std::printf("%-10d %-26s %14.0f\n", 100, "async set / stream next()", delivery_rate(100, scaled(20'000), true, true));

  std::printf("\n== sync set latency with 1,000 idle watchers on unrelated keys (ns)\n");
  std::printf("%-34s %8s %8s %8s %10s\n", "", "p50", "p99", "mean", "vs none");
  const size_t n = scaled(20'000);
  struct row {
    const char* name;
    std::vector<int64_t> all;
  };
  std::vector<row> rows = {{"no watcher (baseline)", {}}, {"1,000 prefix watchers", {}},
                           {"1,000 exact-key watchers", {}}, {"1,000 range watchers", {}}};
  for (size_t rep = 0; rep < 3; ++rep) {
    for (size_t r = 0; r < rows.size(); ++r) {
      db d = open_db();
      std::vector<watch_stream> idle;
      for (size_t i = 0; r != 0 && i < 1000; ++i) {
        std::string p = key_of("idle/", i);
        if (r == 1)
          idle.push_back(d.watch_prefix(p + "/"));
        else if (r == 2)
          idle.push_back(d.watch(p));
        else
          idle.push_back(d.watch_range(p + "/a", p + "/b"));
      }
      (void) set_latency(d, n / 10, 99);  // warm up
      auto l = set_latency(d, n, rep);
      rows[r].all.insert(rows[r].all.end(), l.ns.begin(), l.ns.end());
    }
  }
  double base_mean = 0;
  for (auto& r : rows) {
    latencies l;
    l.ns = r.all;
    double mean = 0;
    for (auto v : r.all)
      mean += static_cast<double>(v);
    mean /= static_cast<double>(r.all.size());
    if (base_mean == 0)
      base_mean = mean;
    std::printf("%-34s %8lld %8lld %8.0f %9.2fx\n", r.name,
                static_cast<long long>(l.percentile(0.5)), static_cast<long long>(l.percentile(0.99)),
                mean, mean / base_mean);
  }

  std::printf("\n== heap bytes per watcher (1,000 idle prefix watchers)\n");
  {
    watch_registry reg;
    size_t before = heap_in_use();
    for (size_t i = 0; i < 1000; ++i) {
      watch_request req = watch_request::for_prefix(key_of("idle/", i) + "/");
      req.start_rev = 1;
      auto a = reg.add(req);
      (void) a;
    }
    std::printf("%-50s %8zu\n", "hub side (watch_registry: watcher + index)",
                (heap_in_use() - before) / 1000);
  }
  {
    db d = open_db();
    std::vector<watch_stream> idle;
    idle.reserve(1000);
    (void) d.watch_prefix("warm/");
    size_t before = heap_in_use();
    for (size_t i = 0; i < 1000; ++i)
      idle.push_back(d.watch_prefix(key_of("idle/", i) + "/"));
    std::printf("%-50s %8zu\n", "embedded stream (hub + bridge actor + channel)",
                (heap_in_use() - before) / 1000);
  }
  return 0;
}
