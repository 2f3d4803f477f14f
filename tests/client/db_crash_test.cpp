// Crash safety under every fsync policy: a child process commits pairs of keys
// from several threads (small and 64 KiB values, automatic compaction on) and
// reports each acknowledged commit on a pipe; the parent SIGKILLs it at a
// random moment, reopens the store, and checks that every acknowledged
// commit is there and that no commit is there by half. A write is answered
// only once its group is in the kernel, so a process crash loses nothing
// acknowledged, whatever the policy. Seed printed; MOSS_SEED replays.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include <moss/db.hpp>

#include "tests/persistence/temp_dir.hpp"
#include "tests/util/child_process.hpp"

namespace moss {
namespace {

struct crash_params {
  fsync_policy policy;
  bool large_values;
};

options crash_options(const std::string& dir, const crash_params& p) {
  options o;
  o.dir = dir;
  o.fsync = p.policy;
  o.threads = 2;
  o.shards = 2;
  o.compact_min_bytes = 256 << 10;  // compactions run while the writers write
  o.compact_ratio = 0.5;
  return o;
}

// One acknowledged commit: writer thread `t` committed its pair number `i`.
struct ack {
  uint32_t t;
  uint32_t i;
};

constexpr uint32_t writers = 4;

std::string key_of(char side, uint32_t t, uint32_t i) {
  return std::string(1, side) + "/" + std::to_string(t) + "/" + std::to_string(i);
}

// The child: each thread commits {a/t/i, b/t/i} for i = first[t], ... and
// reports each acknowledged one. Never returns; the parent kills it.
[[noreturn]] void run_writers(const std::string& dir, const crash_params& p,
                              const std::vector<uint32_t>& first, int report_fd) {
  auto d = db::open(crash_options(dir, p));
  if (!d)
    _exit(3);
  std::mutex pipe_mutex;
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < writers; ++t)
    threads.emplace_back([&, t] {
      for (uint32_t i = first[t];; ++i) {
        std::string v = std::to_string(i);
        if (p.large_values && i % 3 == 0)
          v.append(64 << 10, 'x');
        batch b;
        b.set(key_of('a', t, i), v).set(key_of('b', t, i), v);
        if (!d->write(b))
          _exit(4);
        std::lock_guard lock(pipe_mutex);
        ack a{t, i};
        if (::write(report_fd, &a, sizeof a) != sizeof a)
          _exit(5);
      }
    });
  for (auto& th : threads)
    th.join();
  _exit(6);
}

class DbCrashTest : public ::testing::TestWithParam<crash_params> {};

TEST_P(DbCrashTest, AcknowledgedCommitsSurviveSigkillAndNoneIsHalfThere) {
  const uint64_t seed = std::getenv("MOSS_SEED") ? std::strtoull(std::getenv("MOSS_SEED"), nullptr, 10)
                                                 : std::random_device{}();
  std::cout << "[ seed ] MOSS_SEED=" << seed << "\n";
  std::mt19937_64 rng(seed);
  test::temp_dir dir;
  std::vector<uint32_t> next(writers, 0);
  uint64_t acked_total = 0;
  for (int round = 0; round < 10; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    test::child_process child([&]() -> int {
      ::close(fds[0]);
      run_writers(dir.path(), GetParam(), next, fds[1]);
    });
    ::close(fds[1]);
    // Let it run for a random number of acknowledged commits, then kill it.
    uint64_t want = rng() % 400 + 1, got = 0;
    std::vector<int64_t> last_acked(writers, -1);
    ack a;
    while (got < want && ::read(fds[0], &a, sizeof a) == sizeof a) {
      last_acked[a.t] = a.i;
      ++got;
    }
    child.kill();
    while (::read(fds[0], &a, sizeof a) == sizeof a)  // acks sent before the kill
      last_acked[a.t] = a.i;
    ::close(fds[0]);

    auto d = db::open(crash_options(dir.path(), GetParam()));
    ASSERT_TRUE(d) << "round " << round << ": " << d.error().to_string();
    for (uint32_t t = 0; t < writers; ++t) {
      for (int64_t i = next[t]; i <= last_acked[t]; ++i) {
        auto k = static_cast<uint32_t>(i);
        auto va = d->get(key_of('a', t, k));
        ASSERT_TRUE(va && *va) << "round " << round << ": acknowledged " << key_of('a', t, k) << " is lost";
        ASSERT_TRUE(**va == std::to_string(k) || va->value().starts_with(std::to_string(k) + "x"));
      }
      // Whatever else is there (committed but not yet reported) is whole.
      auto as = d->scan_prefix("a/" + std::to_string(t) + "/");
      auto bs = d->scan_prefix("b/" + std::to_string(t) + "/");
      ASSERT_EQ(as->entries.size(), bs->entries.size()) << "a commit is there by half";
      for (size_t k = 0; k < as->entries.size(); ++k)
        ASSERT_EQ(as->entries[k].value, bs->entries[k].value);
      acked_total += static_cast<uint64_t>(last_acked[t] + 1 - next[t]);
      ASSERT_GE(as->entries.size(), static_cast<size_t>(last_acked[t] + 1));
      next[t] = static_cast<uint32_t>(as->entries.size());
    }
    ASSERT_TRUE(d->close());
  }
  std::cout << "[ crash ] " << acked_total << " acknowledged commits over 10 kills, none lost\n";
  EXPECT_GT(acked_total, 20u);
}

INSTANTIATE_TEST_SUITE_P(Policies, DbCrashTest,
                         ::testing::Values(crash_params{fsync_policy::always, false},
                                           crash_params{fsync_policy::every_second, false},
                                           crash_params{fsync_policy::never, false},
                                           crash_params{fsync_policy::always, true},
                                           crash_params{fsync_policy::every_second, true},
                                           crash_params{fsync_policy::never, true}),
                         [](const auto& info) {
                           const char* p = info.param.policy == fsync_policy::always ? "always"
                                           : info.param.policy == fsync_policy::every_second
                                             ? "every_second"
                                             : "never";
                           return std::string{p} + (info.param.large_values ? "_large" : "_small");
                         });

} // namespace
} // namespace moss
