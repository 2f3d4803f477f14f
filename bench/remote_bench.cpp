// Remote clients over loopback: get and set ops/s with p50/p99 for 1 and 32
// concurrent clients, each one request at a time like redis-benchmark's
// unpipelined clients (32 threads sharing one moss::db::connect, whose calls
// share round trips, and 32 threads with a connection each) against a mossd child process,
// beside redis-benchmark against a redis-server child started by this program
// when both are installed (Redis with the same durability: AOF, fsync every
// second; 3-byte values, random keys out of 100,000).
//
//   ./build/bench/remote_bench [SECONDS per run, default 3] [ROW: 1|shared|dbs]
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/publish.hpp>
#include <caf/io/remote_actor.hpp>
#include <caf/scoped_actor.hpp>

#include <moss/db.hpp>

#include "actors/spawn_store.hpp"
#include "bench/bench_util.hpp"
#include "tests/tools/mossd_process.hpp"

using namespace std::chrono_literals;
using namespace moss;
using namespace moss::bench;

namespace {

constexpr int key_count = 100'000;
const std::string value = "xxx";

struct row {
  double ops = 0;
  double p50_us = 0;
  double p99_us = 0;
};

std::string key_of(int i) {
  return "key:" + std::to_string(i);
}

// `clients` threads, each calling `op(key)` (made in the thread by
// make_op(c)) back to back on random keys for `seconds`; every call timed.
template <class MakeOp>
row run_threads(int clients, double seconds, MakeOp make_op) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false}, stop{false};
  std::vector<latencies> per(clients);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto op = make_op(c);
      std::mt19937 rng(c + 1);
      std::uniform_int_distribution<int> pick(0, key_count - 1);
      auto& lat = per[c];
      lat.ns.reserve(1 << 16);
      ++ready;
      while (!go)
        std::this_thread::yield();
      while (!stop.load(std::memory_order_relaxed)) {
        std::string k = key_of(pick(rng));
        auto t0 = clock_type::now();
        bool ok = op(k);
        lat.ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - t0).count());
        if (!ok) {
          std::fprintf(stderr, "a call failed\n");
          std::exit(1);
        }
      }
      lat.ops = lat.ns.size();
    });
  }
  while (ready < clients)
    std::this_thread::yield();
  auto start = clock_type::now();
  go = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads)
    t.join();
  double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
  latencies all;
  for (auto& l : per)
    all.merge(l);
  return {static_cast<double>(all.ops) / elapsed, all.percentile(0.50) / 1e3, all.percentile(0.99) / 1e3};
}

// `clients` threads setting or getting over `connections` moss::db
// connections (1, or one per thread).
row run_moss(uint16_t port, int clients, int connections, bool set, double seconds) {
  std::vector<db> conns;
  for (int c = 0; c < connections; ++c) {
    auto d = db::connect("127.0.0.1", port);
    if (!d) {
      std::fprintf(stderr, "connect: %s\n", d.error().to_string().c_str());
      std::exit(1);
    }
    conns.push_back(std::move(*d));
  }
  return run_threads(clients, seconds, [&](int c) {
    return [&d = conns[c % connections], set](const std::string& k) {
      return set ? d.set(k, value).is_ok() : static_cast<bool>(d.get(k));
    };
  });
}

// The transport's floor: a CAF actor that answers a get with an empty
// lookup_result at once, published by a child process (forked before any
// thread exists); returns its pid and port.
// The CAF settings mossd and a remote moss::db use (so the floor is comparable).
void configure_like_moss(caf::actor_system_config& cfg) {
  cfg.load<caf::io::middleman>();
  cfg.set("middleman.workers", int64_t{0});
  cfg.set("work-stealing.moderate-poll-attempts", int64_t{0});
  add_moss_types(cfg);
}

using echo_actor = caf::typed_actor<caf::replies_to<get_atom, std::string>::with<lookup_result>>;

std::pair<pid_t, uint16_t> start_echo_node() {
  int fds[2];
  if (::pipe(fds) != 0)
    return {-1, 0};
  pid_t pid = ::fork();
  if (pid == 0) {
    caf::actor_system_config cfg;
    configure_like_moss(cfg);
    caf::actor_system sys{cfg};
    auto echo = sys.spawn([]() -> echo_actor::behavior_type {
      return {[](get_atom, const std::string&) { return lookup_result{}; }};
    });
    auto port = caf::io::publish(echo, 0, "127.0.0.1");
    uint16_t p = port ? *port : 0;
    (void) !::write(fds[1], &p, sizeof p);
    ::pause();
    _exit(0);
  }
  ::close(fds[1]);
  uint16_t port = 0;
  (void) !::read(fds[0], &port, sizeof port);
  ::close(fds[0]);
  return {pid, port};
}

// `clients` threads, each a scoped_actor of one actor system, requesting the echo actor.
row run_echo(uint16_t port, int clients, double seconds) {
  caf::actor_system_config cfg;
  configure_like_moss(cfg);
  caf::actor_system sys{cfg};
  auto echo = caf::io::remote_actor<echo_actor>(sys, "127.0.0.1", port);
  if (!echo)
    return {};
  return run_threads(clients, seconds, [&](int) {
    auto self = std::make_shared<caf::scoped_actor>(sys);
    return [self, store = *echo](const std::string& k) {
      bool ok = false;
      (*self)->request(store, std::chrono::seconds(5), get_atom_v, k)
        .receive([&](lookup_result&) { ok = true; }, [](caf::error&) {});
      return ok;
    };
  });
}

// A TCP port that was free a moment ago.
uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool have(const char* program) {
  std::string cmd = std::string{"command -v "} + program + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

// redis-benchmark's CSV: "test","rps","avg","min","p50","p95","p99","max".
std::optional<row> run_redis(uint16_t port, int clients, bool set, int requests) {
  std::string cmd = "redis-benchmark -p " + std::to_string(port) + " -c " + std::to_string(clients)
                    + " -n " + std::to_string(requests) + " -r " + std::to_string(key_count) + " -d 3 -t "
                    + (set ? "set" : "get") + " --csv 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr)
    return std::nullopt;
  char line[512];
  std::optional<row> out;
  while (std::fgets(line, sizeof line, p) != nullptr) {
    char name[32];
    double rps, avg, mn, p50, p95, p99, mx;
    if (std::sscanf(line, "\"%31[^\"]\",\"%lf\",\"%lf\",\"%lf\",\"%lf\",\"%lf\",\"%lf\",\"%lf\"", name, &rps,
                    &avg, &mn, &p50, &p95, &p99, &mx)
        == 8)
      out = row{rps, p50 * 1e3, p99 * 1e3};
  }
  ::pclose(p);
  return out;
}

struct redis_server {
  pid_t pid = -1;
  uint16_t port = 0;
  ~redis_server() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

bool start_redis(redis_server& r, const std::string& dir) {
  r.port = free_port();
  r.pid = ::fork();
  if (r.pid == 0) {
    std::string port = std::to_string(r.port);
    ::execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1", "--dir",
             dir.c_str(), "--save", "", "--appendonly", "yes", "--appendfsync", "everysec", "--loglevel",
             "warning", static_cast<char*>(nullptr));
    _exit(127);
  }
  std::string ping = "redis-cli -p " + std::to_string(r.port) + " ping >/dev/null 2>&1";
  for (int i = 0; i < 100; ++i) {
    if (std::system(ping.c_str()) == 0)
      return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

std::string fmt_row(const std::optional<row>& r) {
  if (!r)
    return "          -          -          -";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%10.0f %8.0f us %8.0f us", r->ops, r->p50_us, r->p99_us);
  return buf;
}

} // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  std::string only = argc > 2 ? argv[2] : "";  // run one row shape (for profiling)
  auto [echo_pid, echo_port] = start_echo_node();  // first: no thread may exist at fork
  scratch_dir dir("remote-bench");
  auto node = test::mossd_process::start(dir.file("moss"), 0, {"--fsync", "every_second"});
  if (node.port == 0) {
    std::fprintf(stderr, "mossd did not start\n");
    return 1;
  }
  redis_server redis;
  bool with_redis = have("redis-server") && have("redis-benchmark") && have("redis-cli")
                    && start_redis(redis, dir.path());
  if (!with_redis)
    std::printf("(redis-server/redis-benchmark not installed: moss numbers only)\n");
  std::printf("loopback, unpipelined, 3-byte values, random keys of %d; moss: mossd --fsync every_second; "
              "redis: appendonly yes, appendfsync everysec; %.1f s per moss run\n\n",
              key_count, seconds);
  std::printf("%-21s %-4s | %10s %11s %11s | %10s %11s %11s | %s\n", "clients", "op", "moss ops/s", "p50", "p99",
              "redis ops/s", "p50", "p99", "moss/redis");
  // Keys exist before the gets.
  {
    auto d = db::connect("127.0.0.1", node.port);
    for (int i = 0; i < key_count; i += 1000) {
      batch b;
      for (int j = i; j < i + 1000; ++j)
        b.set(key_of(j), value);
      (void) d->write(b);
    }
  }
  struct shape {
    int clients, connections;
    const char* name;
    const char* tag;
  };
  for (shape sh : {shape{1, 1, "1", "1"}, shape{32, 1, "32 (one db, shared)", "shared"},
                   shape{32, 32, "32 (32 dbs)", "dbs"}}) {
    if (!only.empty() && only != sh.tag)
      continue;
    int clients = sh.clients;
    for (bool set : {true, false}) {
      row m = run_moss(node.port, clients, sh.connections, set, seconds);
      std::optional<row> r;
      if (with_redis)
        r = run_redis(redis.port, clients, set, static_cast<int>(std::max(20'000.0, m.ops * seconds)));
      char ratio[16] = "-";
      if (r && r->ops > 0)
        std::snprintf(ratio, sizeof ratio, "%.2fx", m.ops / r->ops);
      std::printf("%-21s %-4s | %s | %s | %s\n", sh.name, set ? "set" : "get", fmt_row(m).c_str(),
                  fmt_row(r).c_str(), ratio);
      std::fflush(stdout);
    }
  }
  if (only.empty() && echo_port != 0) {
    std::printf("\nthe transport's floor: CAF request/response to an actor that answers at once\n");
    for (int clients : {1, 32}) {
      row e = run_echo(echo_port, clients, seconds);
      std::printf("%-21s %-4s | %s |\n", clients == 1 ? "1" : "32 (one system)", "echo", fmt_row(e).c_str());
    }
  }
  if (echo_pid > 0) {
    ::kill(echo_pid, SIGKILL);
    ::waitpid(echo_pid, nullptr, 0);
  }
  node.stop(SIGTERM);
  return 0;
}
