// Persistence benchmark. Beside a raw write+fdatasync loop on the same disk:
// commits/s under fsync `always` with 1, 8 and 32 writer threads (group
// commit); `every_second` sync sets beside in-memory ones; replay of 1M
// records; log bytes per record; RSS after reopening 1M keys (10-byte keys,
// 64-byte values), measured in a fresh process.
//
//   ./build/bench/wal_bench [records]        (default 1,000,000)
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <moss/db.hpp>

#include "bench/bench_util.hpp"

using namespace moss;
using namespace moss::bench;
using namespace std::chrono_literals;

namespace {

std::string temp_dir(const char* tag) {
  std::string tmpl = std::string("/tmp/moss-bench-") + tag + "-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr)
    std::abort();
  return tmpl;
}

long rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::atol(line.c_str() + 6);
  return -1;
}

db open_or_die(options o) {
  auto d = db::open(o);
  if (!d) {
    std::cerr << "open: " << d.error().to_string() << "\n";
    std::exit(1);
  }
  return std::move(*d);
}

// The baseline: one 100-byte record appended and fdatasync'd, in a loop.
latencies raw_fsync_loop(const std::string& dir, size_t n) {
  int fd = ::open((dir + "/raw.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  char buf[100];
  std::memset(buf, 'r', sizeof buf);
  auto out = time_each(n, [&](size_t) {
    if (::write(fd, buf, sizeof buf) != sizeof buf || ::fdatasync(fd) != 0)
      std::abort();
  });
  ::close(fd);
  return out;
}

// `threads` writers each doing sync sets under fsync always for `seconds`.
latencies always_writers(int threads, double seconds) {
  std::string dir = temp_dir("always");
  options o;
  o.dir = dir;
  o.fsync = fsync_policy::always;
  db d = open_or_die(o);
  std::vector<latencies> parts(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  auto stop_at = clock_type::now() + std::chrono::duration<double>(seconds);
  auto start = clock_type::now();
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      std::string key = "w" + std::to_string(t) + "/";
      auto& mine = parts[static_cast<size_t>(t)];
      for (size_t i = 0; clock_type::now() < stop_at; ++i) {
        auto t0 = clock_type::now();
        if (!d.set(key + std::to_string(i % 1000), std::string(100, 'v')))
          std::abort();
        mine.ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - t0).count());
      }
    });
  for (auto& th : pool)
    th.join();
  latencies all;
  for (auto& p : parts) {
    all.ns.insert(all.ns.end(), p.ns.begin(), p.ns.end());
  }
  all.ops = all.ns.size();
  all.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  auto s = d.stats();
  std::printf("  (%d writers: %llu commits, %llu fsyncs: %.1f commits per fsync)\n", threads,
              static_cast<unsigned long long>(s->commits), static_cast<unsigned long long>(s->fsyncs),
              static_cast<double>(s->commits) / static_cast<double>(std::max<uint64_t>(s->fsyncs, 1)));
  (void) d.close();
  std::filesystem::remove_all(dir);
  return all;
}

latencies sync_sets(const std::string& dir, fsync_policy policy, size_t n) {
  options o;
  o.dir = dir;
  o.fsync = policy;
  db d = open_or_die(o);
  uint64_t x = 12345;
  auto out = time_each(n, [&](size_t) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    if (!d.set("key" + std::to_string(x % 100'000), std::string(100, 'v')))
      std::abort();
  });
  return out;
}

// Child mode: open the store in argv[2] and print the RSS it takes.
int rss_child(const char* dir) {
  long before = rss_kb();
  options o;
  o.dir = dir;
  auto t0 = clock_type::now();
  db d = open_or_die(o);
  double secs = std::chrono::duration<double>(clock_type::now() - t0).count();
  std::printf("%ld %ld %.3f %llu\n", before, rss_kb(), secs,
              static_cast<unsigned long long>(d.stats()->keys));
  return 0;
}

void row(const char* name, const std::string& base, const std::string& moss, const std::string& note) {
  std::printf("%-38s %18s %22s   %s\n", name, base.c_str(), moss.c_str(), note.c_str());
  std::fflush(stdout);
}

std::string lat(latencies l) {
  return fmt_ns(l.percentile(0.5)) + " / " + fmt_ns(l.percentile(0.99));
}

} // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--rss-child")
    return rss_child(argv[2]);
  size_t records = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;

  std::printf("wal_bench: baseline = raw write(100 B)+fdatasync loop on the same disk (/tmp)\n\n");
  std::printf("%-38s %18s %22s\n", "workload", "baseline", "moss");
  std::string scratch = temp_dir("raw");
  auto raw = raw_fsync_loop(scratch, 2000);
  row("fsync'd write, 1 thread: ops/s", fmt_rate(raw.ops_per_sec()), "", "p50/p99 " + lat(raw));
  for (int threads : {1, 8, 32}) {
    auto a = always_writers(threads, 3.0);
    std::string name = "always, " + std::to_string(threads) + " writers: commits/s";
    row(name.c_str(), fmt_rate(raw.ops_per_sec()), fmt_rate(a.ops_per_sec()), "p50/p99 " + lat(a));
  }

  std::string mem_dir;  // in memory: no dir
  auto mem = sync_sets(mem_dir, fsync_policy::every_second, 100'000);
  std::string es_dir = temp_dir("es");
  auto es = sync_sets(es_dir, fsync_policy::every_second, 100'000);
  row("every_second sync set p50/p99", "in-memory " + lat(mem), lat(es),
      "ratio p50 " + std::to_string(static_cast<double>(es.percentile(0.5)) / static_cast<double>(mem.percentile(0.5))));
  std::filesystem::remove_all(es_dir);

  // 1M records: 10-byte keys, 64-byte values, one put per commit.
  std::string big = temp_dir("replay");
  uint64_t log_bytes = 0;
  {
    options o;
    o.dir = big;
    o.fsync = fsync_policy::never;
    o.compact_min_bytes = ~0ull;  // keep the whole log for the replay
    db d = open_or_die(o);
    std::deque<write_future> in_flight;
    char key[24];
    std::string value(64, 'v');
    for (size_t i = 0; i < records; ++i) {
      std::snprintf(key, sizeof key, "%010zu", i);
      in_flight.push_back(d.set_async(std::string_view(key, 10), value));
      if (in_flight.size() == 4096) {
        for (auto& f : in_flight)
          (void) f.get();
        in_flight.clear();
      }
    }
    for (auto& f : in_flight)
      (void) f.get();
    (void) d.close();
    for (auto& f : std::filesystem::directory_iterator(big))
      if (f.path().filename().string().rfind("wal-", 0) == 0)
        log_bytes += f.file_size();
  }
  // Replay and RSS in a fresh process, so nothing else is in the numbers.
  std::string self_path = std::filesystem::read_symlink("/proc/self/exe");
  std::string cmd = self_path + " --rss-child " + big;
  FILE* p = ::popen(cmd.c_str(), "r");
  long before = 0, after = 0;
  double secs = 0;
  unsigned long long keys = 0;
  if (p == nullptr || std::fscanf(p, "%ld %ld %lf %llu", &before, &after, &secs, &keys) != 4) {
    std::cerr << "rss child failed\n";
    return 1;
  }
  ::pclose(p);
  row("replay on open: records/s", "", fmt_rate(static_cast<double>(records) / secs),
      std::to_string(records) + " records in " + std::to_string(secs) + " s, " + std::to_string(keys) + " keys");
  row("log bytes per record", "", std::to_string(static_cast<double>(log_bytes) / static_cast<double>(records)),
      "10-byte key, 64-byte value, one put per commit");
  row("RSS after reopening: MB", "", std::to_string((after) / 1024) + " MB",
      "process before open: " + std::to_string(before / 1024) + " MB (Go original: 601 MB)");
  std::filesystem::remove_all(big);
  std::filesystem::remove_all(scratch);
  return 0;
}
