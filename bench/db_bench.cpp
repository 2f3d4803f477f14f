// Whole-store benchmark of the embedded facade: sync get and set from 1 and 2
// threads, async and batched set throughput, and tx read-modify-write, each
// beside two baselines run in the same process: a std::unordered_map +
// std::shared_mutex, and the same map with one write(2) of an encoded record
// per set to a file in the store's directory (what the Go original does).
// The store logs to that directory with the given fsync policy (default
// every_second; "none" runs it in memory). 1M keys of 16 bytes, 100-byte
// values, both engines.
//
//   ./build/bench/db_bench [keys] [every_second|never|none] [get,set,floor,async,batch,tx]
//
// MOSS_THREADS=N sets the store's CAF worker threads (options::threads).
// The third argument runs only the named groups of workloads (for perf), on
// the hash engine, and on the radix engine too if "radix" is among them.
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <unistd.h>
#include <iostream>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include <moss/db.hpp>

#include "bench/bench_util.hpp"
#include "bench/store_work_floor.hpp"
#include "core/completion.hpp"

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

// The second baseline: the map, plus one write(2) per set of the record as a
// log would frame it (length, checksum-sized header, key, value).
struct write_baseline_store {
  baseline_store mem;
  std::mutex log_mu;
  int fd = -1;
  std::string buf;

  explicit write_baseline_store(const std::string& path) {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  }
  ~write_baseline_store() {
    if (fd >= 0)
      ::close(fd);
  }
  void set(const std::string& k, const std::string& v) {
    std::unique_lock lock(log_mu);
    buf.assign(17, '\0');
    uint32_t len = static_cast<uint32_t>(k.size() + v.size() + 4);
    std::memcpy(buf.data() + 4, &len, sizeof len);
    buf.push_back(static_cast<char>(k.size()));
    buf += k;
    buf.push_back(static_cast<char>(v.size()));
    buf += v;
    if (::write(fd, buf.data(), buf.size()) < 0)
      std::abort();
    mem.set(k, v);
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

// One table row: the map, the map + write(2) (sets only), and moss; the
// ratios are moss against each.
void row(const char* name, latencies base, std::optional<latencies> wbase, latencies moss, bool latency) {
  auto cell = [&](latencies& l) {
    char buf[64];
    if (latency)
      std::snprintf(buf, sizeof buf, "%9s %9s", fmt_ns(l.percentile(0.5)).c_str(),
                    fmt_ns(l.percentile(0.99)).c_str());
    else
      std::snprintf(buf, sizeof buf, "%19s", fmt_rate(l.ops_per_sec()).c_str());
    return std::string{buf};
  };
  auto ratio = [&](latencies& b) {
    char buf[32];
    if (latency)
      std::snprintf(buf, sizeof buf, "%5.2fx p50",
                    static_cast<double>(moss.percentile(0.5))
                      / static_cast<double>(std::max<int64_t>(b.percentile(0.5), 1)));
    else
      std::snprintf(buf, sizeof buf, "%5.2fx ops", moss.ops_per_sec() / b.ops_per_sec());
    return std::string{buf};
  };
  std::string w = wbase ? cell(*wbase) : std::string(19, ' ');
  std::string wr = wbase ? ratio(*wbase) : std::string{};
  std::printf("%-26s %s | %s | %s %11s | %s  %s\n", name, cell(base).c_str(), w.c_str(),
              cell(moss).c_str(), latency ? fmt_rate(moss.ops_per_sec()).c_str() : "",
              ratio(base).c_str(), wr.c_str());
  std::fflush(stdout);
}

// The CAF settings an embedded store runs with (client/embedded_impl.cpp):
// half the cores as workers, which poll ~10,000 times before sleeping.
void configure_as_the_store(caf::actor_system_config& cfg) {
  cfg.set("scheduler.max-threads", static_cast<int64_t>(std::max(1u, std::thread::hardware_concurrency() / 2)));
  cfg.set("work-stealing.moderate-poll-attempts", int64_t{0});
  cfg.set("work-stealing.aggressive-poll-attempts", int64_t{10'000});
}

// The floor under a sync set: a plain thread hands a request to an actor,
// which passes it on through `hops` actors in all; the last one (after one
// write(2) of the record, when `fd` >= 0) fills a reply slot the thread waits
// on, as the store's does. Same CAF settings as the embedded store.
latencies caf_floor(int hops, int fd, size_t ops) {
  caf::actor_system_config cfg;
  configure_as_the_store(cfg);
  caf::actor_system sys{cfg};
  using slot_ptr = reply_slot*;
  std::vector<caf::actor> chain(static_cast<size_t>(hops));
  for (int i = hops - 1; i >= 0; --i) {
    caf::actor next = i + 1 < hops ? chain[static_cast<size_t>(i) + 1] : caf::actor{};
    chain[static_cast<size_t>(i)] = sys.spawn([next, fd](caf::event_based_actor* self) -> caf::behavior {
      return {[self, next, fd](uintptr_t slot) {
        if (next) {
          self->send(next, slot);
          return;
        }
        if (fd >= 0 && ::write(fd, value.data(), value.size()) < 0)
          std::abort();
        reinterpret_cast<slot_ptr>(slot)->complete(txn_result{});
      }};
    });
  }
  auto out = time_each(ops, [&](size_t) {
    reply_slot slot;
    caf::anon_send(chain.front(), reinterpret_cast<uintptr_t>(&slot));
    (void) slot.wait();
  });
  for (auto& a : chain)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  return out;
}

// The workload groups to run: all unless named on the command line.
std::string only;
bool runs(const char* group) {
  return only.empty() || ("," + only + ",").find(std::string{","} + group + ",") != std::string::npos;
}

// The floor under the store's own message shape, without its work: a
// coordinator requests the log (one write(2)), which delegates to a shard
// that fills the reply slot and answers; the coordinator's response handler
// then tells a listener. What CAF's request/response and delegation cost
// over the plain sends of caf_floor.
latencies caf_request_floor(int fd, size_t ops) {
  caf::actor_system_config cfg;
  configure_as_the_store(cfg);
  caf::actor_system sys{cfg};
  using slot_ptr = reply_slot*;
  auto listener = sys.spawn([](caf::event_based_actor*) -> caf::behavior { return {[](int) {}}; });
  auto shard = sys.spawn([](caf::event_based_actor*) -> caf::behavior {
    return {[](uintptr_t slot) {
      reinterpret_cast<slot_ptr>(slot)->complete(txn_result{});
      return 1;
    }};
  });
  auto log = sys.spawn([shard, fd](caf::event_based_actor* self) -> caf::behavior {
    return {[self, shard, fd](uintptr_t slot) {
      if (::write(fd, value.data(), value.size()) < 0)
        std::abort();
      return self->delegate(shard, slot);
    }};
  });
  auto coordinator = sys.spawn([log, listener](caf::event_based_actor* self) -> caf::behavior {
    return {[self, log, listener](uintptr_t slot) {
      self->request(log, caf::infinite, slot).then([self, listener](int n) { self->send(listener, n); });
    }};
  });
  auto out = time_each(ops, [&](size_t) {
    reply_slot slot;
    caf::anon_send(coordinator, reinterpret_cast<uintptr_t>(&slot));
    (void) slot.wait();
  });
  for (auto& a : {listener, shard, log, coordinator})
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  return out;
}

void run_engine(engine_kind kind, const std::vector<std::string>& keys, const std::string& policy) {
  const size_t n = keys.size();
  scratch_dir dir("moss-db-bench");
  options opts;
  opts.engine = kind;
  if (const char* t = std::getenv("MOSS_THREADS"))  // the store's CAF workers (default: options)
    opts.threads = std::strtoul(t, nullptr, 10);
  if (policy != "none") {
    opts.dir = dir.file("store");
    opts.fsync = policy == "never" ? fsync_policy::never : fsync_policy::every_second;
    opts.compact_min_bytes = 1ull << 40;  // no compaction in the middle of a timing
  }
  db d = std::move(*db::open(opts));
  baseline_store base;
  write_baseline_store wbase(dir.file("baseline.log"));
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
  std::printf("%-26s %9s %9s | %9s %9s | %9s %9s %11s | moss/map   moss/map+write\n", "workload",
              "map p50", "p99", "+write p50", "p99", "moss p50", "p99", "moss ops");

  auto pick = [&](uint64_t& x) -> const std::string& {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return keys[x % n];
  };
  for (int threads : {1, 2}) {
    if (!runs("get"))
      break;
    const size_t ops = 400'000;
    auto b = on_threads(threads, [&](int t) {
      uint64_t x = 88172645463325252ull + static_cast<uint64_t>(t);
      return time_each(ops, [&](size_t) { (void) base.get(pick(x)); });
    });
    auto m = on_threads(threads, [&](int t) {
      uint64_t x = 88172645463325252ull + static_cast<uint64_t>(t);
      return time_each(ops, [&](size_t) { (void) d.get(pick(x)); });
    });
    row(threads == 1 ? "sync get, 1 thread" : "sync get, 2 threads", b, std::nullopt, m, true);
  }
  if (runs("get")) {
    // One key over and over: the software path alone, without memory latency.
    const std::string& hot = keys[0];
    auto b = time_each(400'000, [&](size_t) { (void) base.get(hot); });
    auto m = time_each(400'000, [&](size_t) { (void) d.get(hot); });
    row("sync get, hot key", b, std::nullopt, m, true);
  }
  for (int threads : {1, 2}) {
    if (!runs("set"))
      break;
    const size_t ops = 100'000;
    auto b = on_threads(threads, [&](int t) {
      uint64_t x = 1234567ull + static_cast<uint64_t>(t);
      return time_each(ops, [&](size_t) { base.set(pick(x), value); });
    });
    auto w = on_threads(threads, [&](int t) {
      uint64_t x = 1234567ull + static_cast<uint64_t>(t);
      return time_each(ops, [&](size_t) { wbase.set(pick(x), value); });
    });
    auto m = on_threads(threads, [&](int t) {
      uint64_t x = 1234567ull + static_cast<uint64_t>(t);
      return time_each(ops, [&](size_t) { (void) d.set(pick(x), value); });
    });
    row(threads == 1 ? "sync set, 1 thread" : "sync set, 2 threads", b, w, m, true);
  }
  if (runs("floor")) {
    // What CAF alone costs for the hops a sync set makes (caller ->
    // coordinator -> log -> shard -> caller), without and with the write(2).
    int fd = ::open(dir.file("floor.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    auto f2 = caf_floor(2, -1, 100'000);
    auto f3 = caf_floor(3, -1, 100'000);
    auto f3w = caf_floor(3, fd, 100'000);
    auto frq = caf_request_floor(fd, 100'000);
    ::close(fd);
    auto b = time_each(100'000, [&](size_t) { base.set(keys[0], value); });
    row("floor: 2 CAF hops", b, std::nullopt, f2, true);
    row("floor: 3 CAF hops", b, std::nullopt, f3, true);
    row("floor: 3 hops + write(2)", b, std::nullopt, f3w, true);
    row("floor: the store's shape", b, std::nullopt, frq, true);
    uint64_t x = 4242;
    auto work = store_work_floor(kind, keys, dir.path(), 1, 1, 100'000, [&]() -> const std::string& { return pick(x); }, value);
    row("floor: one set's work", b, std::nullopt, work, true);
  }
  // Throughput over 1M random keys: the map, then the map + write(2).
  const size_t set_ops = 1'000'000;
  auto set_baselines = [&] {
    uint64_t x = 99;
    auto b = time_total(set_ops, [&](size_t count) {
      for (size_t i = 0; i < count; ++i)
        base.set(pick(x), value);
    });
    x = 99;
    auto w = time_total(set_ops, [&](size_t count) {
      for (size_t i = 0; i < count; ++i)
        wbase.set(pick(x), value);
    });
    return std::pair{b, w};
  };
  if (runs("async")) {
    auto [b, w] = set_baselines();
    uint64_t x = 99;
    auto m = time_total(set_ops, [&](size_t count) {
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
    row("async set (8k window)", b, w, m, false);
    x = 99;
    auto f = store_work_floor(kind, keys, dir.path(), 1, 2048, set_ops, [&]() -> const std::string& { return pick(x); }, value);
    row("floor: the work, 1 thread", b, w, f, false);
  }
  if (runs("batch")) {
    auto [b, w] = set_baselines();
    uint64_t x = 99;
    auto mb = time_total(set_ops, [&](size_t count) {
      for (size_t i = 0; i < count; i += 1000) {
        batch bt;
        for (size_t j = 0; j < 1000; ++j)
          bt.set(pick(x), value);
        (void) d.write(bt);
      }
    });
    row("batched set (1000/commit)", b, w, mb, false);
    x = 99;
    auto mab = time_total(set_ops, [&](size_t count) {
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
    row("async batches (4 x 1000)", b, w, mab, false);
    x = 99;
    auto f = store_work_floor(kind, keys, dir.path(), 1000, 1, set_ops, [&]() -> const std::string& { return pick(x); }, value);
    row("floor: the work, 1 thread", b, w, f, false);
  }
  for (int threads : {1, 2}) {
    if (!runs("tx"))
      break;
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
          t2.set(k, std::to_string(v.is_ok() && *v ? std::atoll((*v)->c_str()) + 1 : 1));
          return status::ok();
        });
      });
    });
    row(threads == 1 ? "tx get+set, 1 thread" : "tx get+set, 2 threads", b, std::nullopt, m, true);
  }
  auto s = d.stats();
  std::printf("commits %llu in %llu groups (%.1f commits/group)\n",
              static_cast<unsigned long long>(s->commits), static_cast<unsigned long long>(s->groups),
              static_cast<double>(s->commits) / static_cast<double>(std::max<uint64_t>(s->groups, 1)));
}

} // namespace

int main(int argc, char** argv) {
  size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  std::string policy = argc > 2 ? argv[2] : "every_second";
  only = argc > 3 ? argv[3] : "";
  std::printf("db_bench: %zu keys, 16-byte keys, 100-byte values, %u hardware threads, moss log: %s\n",
              n, std::thread::hardware_concurrency(), policy.c_str());
  std::printf("baselines: std::unordered_map + std::shared_mutex in this process; the same map\n"
              "with one write(2) of the encoded record per set to a file beside the store's log\n");
  auto keys = make_keys(n);
  run_engine(engine_kind::hash, keys, policy);
  if (runs("radix"))  // named: the radix engine too
    run_engine(engine_kind::radix, keys, policy);
  return 0;
}
