// The write path seen from a writer: a writer that outruns a slow disk is held
// back (the backlog of unanswered writes stays within its bounds) and is never
// answered before its write reached the log.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include <moss/db.hpp>

#include "persistence/fault_injection_file_system.hpp"
#include "tests/persistence/temp_dir.hpp"

using namespace std::chrono_literals;

namespace moss {
namespace {

TEST(WritePathTest, AWriterOutrunningASlowDiskIsHeldBackAndMemoryStaysBounded) {
  test::temp_dir dir;
  fault_injection_file_system fs{default_file_system()};
  fs.delay_writes(500us);  // every group's write(2) takes half a millisecond more
  options o;
  o.dir = dir.path();
  o.fs = &fs;
  o.fsync = fsync_policy::never;
  o.threads = 2;
  o.max_pending_bytes = 1 << 20;
  o.max_pending_commits = 100'000;
  auto d = db::open(o);
  ASSERT_TRUE(d);
  const std::string value(8 << 10, 'v');
  const size_t writes = 3000;  // 24 MiB, far more than the bound
  std::atomic<bool> done{false};
  std::atomic<uint64_t> max_pending{0};
  std::thread sampler([&] {
    while (!done.load()) {
      auto s = d->stats();
      if (s)
        max_pending = std::max<uint64_t>(max_pending.load(), s->pending_bytes);
      std::this_thread::sleep_for(200us);
    }
  });
  std::vector<write_future> futures;
  futures.reserve(writes);
  for (size_t i = 0; i < writes; ++i)
    futures.push_back(d->set_async("k" + std::to_string(i), value));
  for (auto& f : futures)
    ASSERT_TRUE(f.get());
  done = true;
  sampler.join();
  EXPECT_GT(max_pending.load(), 0u);
  EXPECT_LE(max_pending.load(), (1u << 20) + value.size() + 1024) << "the backlog outgrew its bound";
  EXPECT_EQ(d->stats()->pending_commits, 0u);
  EXPECT_EQ(d->scan_prefix("k", 0)->entries.size(), writes);
}

TEST(WritePathTest, ACommitLargerThanTheWholeBacklogStillGoesThrough) {
  options o;
  o.max_pending_bytes = 1024;
  auto d = db::open(o);
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->set("big", std::string(64 << 10, 'x')));
  std::vector<write_future> futures;
  for (int i = 0; i < 100; ++i)
    futures.push_back(d->set_async("big" + std::to_string(i), std::string(4096, 'y')));
  for (auto& f : futures)
    ASSERT_TRUE(f.get());
  EXPECT_EQ(d->scan_prefix("big")->entries.size(), 101u);
}

} // namespace
} // namespace moss
