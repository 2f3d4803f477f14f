// Crash safety: a child process commits pairs of keys under fsync `always`
// and reports each acknowledged revision on a pipe; the parent SIGKILLs it at
// random moments, reopens the store, and checks that every acknowledged
// commit is there and that no commit is there by half. Seed printed.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <random>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "client/db.hpp"
#include "tests/persistence/temp_dir.hpp"

namespace moss {
namespace {

options crash_options(const std::string& dir) {
  options o;
  o.dir = dir;
  o.fsync = fsync_policy::always;
  o.threads = 1;
  o.shards = 2;
  return o;
}

// The child: commit {a/i, b/i} = i for i = first, first+1, ... and report
// each acknowledged i. Never returns; the parent kills it.
[[noreturn]] void run_writer(const std::string& dir, uint64_t first, int report_fd) {
  auto d = db::open(crash_options(dir));
  if (!d)
    _exit(3);
  for (uint64_t i = first;; ++i) {
    batch b;
    b.set("a/" + std::to_string(i), std::to_string(i)).set("b/" + std::to_string(i), std::to_string(i));
    if (!d->write(b))
      _exit(4);
    if (::write(report_fd, &i, sizeof i) != sizeof i)
      _exit(5);
  }
}

TEST(DbCrashTest, AcknowledgedCommitsSurviveSigkillAndNoneIsHalfThere) {
  const uint64_t seed = std::getenv("MOSS_SEED") ? std::strtoull(std::getenv("MOSS_SEED"), nullptr, 10)
                                                 : std::random_device{}();
  std::cout << "[ seed ] MOSS_SEED=" << seed << "\n";
  std::mt19937_64 rng(seed);
  test::temp_dir dir;
  uint64_t next = 1, acked_total = 0;
  for (int round = 0; round < 20; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      run_writer(dir.path(), next, fds[1]);
    }
    ::close(fds[1]);
    // Let it run for a random number of acknowledged commits, then kill it.
    uint64_t want = rng() % 120 + 1, got = 0, last_acked = 0, i;
    while (got < want && ::read(fds[0], &i, sizeof i) == sizeof i) {
      last_acked = i;
      ++got;
    }
    ::kill(pid, SIGKILL);
    int wstatus = 0;
    ::waitpid(pid, &wstatus, 0);
    while (::read(fds[0], &i, sizeof i) == sizeof i)  // acks sent before the kill
      last_acked = i;
    ::close(fds[0]);
    ASSERT_TRUE(WIFSIGNALED(wstatus)) << "the writer stopped by itself: " << WEXITSTATUS(wstatus);

    auto d = db::open(crash_options(dir.path()));
    ASSERT_TRUE(d) << "round " << round << ": " << d.error().to_string();
    for (uint64_t k = next; k <= last_acked; ++k) {
      ASSERT_EQ(**d->get("a/" + std::to_string(k)), std::to_string(k)) << "round " << round;
      ASSERT_EQ(**d->get("b/" + std::to_string(k)), std::to_string(k)) << "round " << round;
    }
    // Whatever else is there (committed but not yet reported) is whole.
    auto as = d->scan_prefix("a/");
    auto bs = d->scan_prefix("b/");
    ASSERT_EQ(as->entries.size(), bs->entries.size()) << "a commit is there by half";
    for (size_t k = 0; k < as->entries.size(); ++k)
      ASSERT_EQ(as->entries[k].value, bs->entries[k].value);
    acked_total += last_acked >= next ? last_acked - next + 1 : 0;
    next = as->entries.size() + 1;
    ASSERT_GE(next, last_acked + 1);
  }
  EXPECT_GT(acked_total, 20u);
}

} // namespace
} // namespace moss
