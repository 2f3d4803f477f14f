// Replication under a sustained write load: a primary mossd written by one
// remote db shared by many threads, first with no replica, then with one
// replica following it, alternating in the same run. Prints the primary's
// write throughput both ways (the replica's cost), the replica's apply rate
// (commits, groups and keys per second), and the lag a watch on the replica
// sees for probe writes made on the primary (p50/p99/max, milliseconds).
//
//   replica_bench [seconds per phase = 3] [rounds = 2] [control: no replica in any round]
#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string_view>
#include <thread>
#include <vector>

#include <moss/db.hpp>

#include "bench/bench_util.hpp"
#include "tests/tools/mossd_process.hpp"

using namespace moss;
using namespace moss::bench;
using namespace std::chrono_literals;

namespace {

constexpr int writers = 16;          // threads sharing one remote db
constexpr int keys_per_batch = 16;   // one commit each
constexpr int key_space = 100'000;
constexpr size_t value_bytes = 100;
constexpr auto probe_every = 2ms;    // a probe write, in both phases alike

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch()).count();
}

struct load_result {
  double seconds = 0;
  uint64_t batches = 0;
  uint64_t probes = 0;
  latencies batch_latency;  ///< per write call, ns
  double keys_per_sec() const { return static_cast<double>(batches * keys_per_batch + probes) / seconds; }
};

/// `writers` threads write batches for `seconds`; a probe thread writes the
/// time into "lag/probe" every probe_every.
load_result load(db& p, double seconds) {
  std::atomic<bool> stop{false};
  std::vector<latencies> per(writers);
  std::vector<std::thread> threads;
  std::atomic<uint64_t> batches{0};
  std::atomic<uint64_t> probes{0};
  const std::string value(value_bytes, 'v');
  const auto start = clock_type::now();
  for (int t = 0; t < writers; ++t)
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<uint32_t>(t) * 7919u + 1);
      char key[24];
      while (!stop.load(std::memory_order_relaxed)) {
        batch b;
        for (int i = 0; i < keys_per_batch; ++i) {
          std::snprintf(key, sizeof key, "k/%06u", static_cast<unsigned>(rng() % key_space));
          b.set(key, value);
        }
        const auto t0 = clock_type::now();
        if (!p.write(b)) {
          std::fprintf(stderr, "a write failed\n");
          std::exit(1);
        }
        per[t].ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - t0).count());
        batches.fetch_add(1, std::memory_order_relaxed);
      }
    });
  threads.emplace_back([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      if (p.set("lag/probe", std::to_string(now_ns())))
        probes.fetch_add(1, std::memory_order_relaxed);
      std::this_thread::sleep_for(probe_every);
    }
  });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : threads)
    th.join();
  load_result out;
  out.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  out.batches = batches;
  out.probes = probes;
  for (auto& l : per)
    out.batch_latency.merge(l);
  return out;
}

store_stats stats_of(const db& d) {
  auto s = d.stats();
  if (!s) {
    std::fprintf(stderr, "stats failed: %s\n", s.error().to_string().c_str());
    std::exit(1);
  }
  return *s;
}

/// Waits until the replica has applied `want`; returns how long that took.
double wait_applied(const db& r, revision want) {
  const auto t0 = clock_type::now();
  while (stats_of(r).rev < want) {
    if (clock_type::now() - t0 > 120s) {
      std::fprintf(stderr, "the replica did not catch up\n");
      std::exit(1);
    }
    std::this_thread::sleep_for(1ms);
  }
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

double ms(int64_t ns) { return static_cast<double>(ns) / 1e6; }

/// CPU seconds (user + system) process `pid` has used so far.
double cpu_seconds(pid_t pid) {
  const std::string fields = test::proc_stat_fields(pid);
  unsigned long utime = 0, stime = 0;
  if (std::sscanf(fields.c_str(), "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
    return 0;
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

} // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 2;
  // A control: every phase without a replica (shows the drift of the
  // primary and the machine alone).
  const bool control = argc > 3 && std::string_view{argv[3]} == "control";
  scratch_dir dir("replica-bench");
  const std::vector<std::string> every_second = {"--fsync", "every_second"};
  auto primary = test::mossd_process::start(dir.file("primary"), 0, every_second);
  if (primary.port == 0) {
    std::fprintf(stderr, "the primary did not start\n");
    return 1;
  }
  auto p = db::connect("127.0.0.1", primary.port);
  if (!p) {
    std::fprintf(stderr, "cannot connect: %s\n", p.error().to_string().c_str());
    return 1;
  }
  std::printf("loopback; primary and replica: mossd --fsync every_second on %u cores; load: %d threads on one remote "
              "db, batches of %d sets of %zu-byte values over %d keys, plus a probe write every %lld ms; "
              "%.1f s per phase\n\n",
              std::thread::hardware_concurrency(), writers, keys_per_batch, value_bytes, key_space,
              static_cast<long long>(probe_every.count()), seconds);
  (void) load(*p, 1.0);  // warm up: the key space exists, the history is full

  std::printf("%-5s %-11s | %9s %7s %7s %8s | %8s %9s %9s %9s | %7s %7s %7s | %6s\n", "round", "primary",
              "keys/s", "p50 ms", "p99 ms", "cpu us/k", "repl cpu", "commits/s", "groups/s", "keys/s", "lag p50",
              "p99", "max ms", "drain");
  double alone_sum = 0, with_sum = 0;
  uint64_t full_syncs = 0;
  for (int round = 1; round <= rounds; ++round) {
    double cpu0 = cpu_seconds(primary.pid);
    load_result alone = load(*p, seconds);
    const double alone_cpu = cpu_seconds(primary.pid) - cpu0;
    alone_sum += alone.keys_per_sec();
    std::printf("%-5d %-11s | %9.0f %7.2f %7.2f %8.2f |\n", round, "alone", alone.keys_per_sec(),
                ms(alone.batch_latency.percentile(0.5)), ms(alone.batch_latency.percentile(0.99)),
                alone_cpu * 1e6 / (alone.keys_per_sec() * alone.seconds));

    if (control)
      continue;
    // A replica on the same directory each round: the first syncs from a
    // snapshot, later ones resume from the primary's history.
    std::vector<std::string> args = every_second;
    args.insert(args.end(), {"--replica-of", "127.0.0.1:" + std::to_string(primary.port)});
    auto replica = test::mossd_process::start(dir.file("replica"), 0, args);
    if (replica.port == 0) {
      std::fprintf(stderr, "the replica did not start\n");
      return 1;
    }
    auto r = db::connect("127.0.0.1", replica.port);
    if (!r) {
      std::fprintf(stderr, "cannot connect to the replica: %s\n", r.error().to_string().c_str());
      return 1;
    }
    (void) wait_applied(*r, stats_of(*p).rev);
    std::mutex lag_mutex;
    std::vector<int64_t> lag_ns;
    watch_handle w = r->watch(watch_request::for_key("lag/probe"), [&](const watch_event& e) {
      const int64_t sent = std::strtoll(e.value.c_str(), nullptr, 10);
      std::lock_guard<std::mutex> lock(lag_mutex);
      lag_ns.push_back(now_ns() - sent);
    });
    const store_stats before = stats_of(*r);
    const auto t0 = clock_type::now();
    cpu0 = cpu_seconds(primary.pid);
    const double replica_cpu0 = cpu_seconds(replica.pid);
    load_result with = load(*p, seconds);
    const double with_cpu = cpu_seconds(primary.pid) - cpu0;
    const double replica_cpu = cpu_seconds(replica.pid) - replica_cpu0;
    const revision last = stats_of(*p).rev;
    const double drain = wait_applied(*r, last);
    const double applied_for = std::chrono::duration<double>(clock_type::now() - t0).count();
    const store_stats after = stats_of(*r);
    std::this_thread::sleep_for(50ms);  // the last probe's event
    w.cancel();
    with_sum += with.keys_per_sec();
    full_syncs += after.full_syncs;
    const double commits = static_cast<double>(after.commits - before.commits);
    const double groups = static_cast<double>(after.groups - before.groups);
    std::lock_guard<std::mutex> lock(lag_mutex);
    latencies lag;
    lag.ns = lag_ns;
    const int64_t lag_max = lag.ns.empty() ? 0 : *std::max_element(lag.ns.begin(), lag.ns.end());
    std::printf("%-5d %-11s | %9.0f %7.2f %7.2f %8.2f | %8.2f %9.0f %9.0f %9.0f | %7.2f %7.2f %7.2f | %6.1f\n",
                round, "one replica", with.keys_per_sec(), ms(with.batch_latency.percentile(0.5)),
                ms(with.batch_latency.percentile(0.99)), with_cpu * 1e6 / (with.keys_per_sec() * with.seconds),
                replica_cpu / with.seconds, commits / applied_for, groups / applied_for,
                static_cast<double>(with.batches * keys_per_batch + with.probes) / applied_for,
                ms(lag.percentile(0.5)), ms(lag.percentile(0.99)), ms(lag_max), drain * 1e3);
    std::fflush(stdout);
    replica.stop(SIGTERM);
  }
  std::printf("\ncpu us/k: the primary's CPU time per key written; repl cpu: the replica's CPU seconds per second "
              "of load (the cores it takes from the primary and the load when all three share %u); lag: a probe "
              "written on the primary until a watch on the replica delivers it to this process; drain: after the "
              "load stops, until the replica has applied the primary's last revision (ms)\n",
              std::thread::hardware_concurrency());
  if (!control)
    std::printf("the primary's write throughput with one replica: %.2fx of its throughput alone (mean over %d "
                "rounds; the target is at least 0.90x); full syncs over all rounds: %" PRIu64 "; compactions of "
                "the primary: %" PRIu64 " (a replica stopped through a phase is past the 64 MiB history at this "
                "load; it resumes from the log unless a compaction started the log after its place)\n",
                with_sum / alone_sum, rounds, full_syncs, stats_of(*p).compactions);
  primary.stop(SIGTERM);
  return 0;
}
