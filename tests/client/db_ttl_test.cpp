// TTL through the facade: ttl() and persist(), and four threads setting keys
// with short TTLs, reading and deleting them on the real clock. A read that
// begins after an entry's deadline must never return it (one-sided, so the
// test cannot flake), and every key ends up expired or deleted.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include <moss/db.hpp>

using namespace std::chrono_literals;

namespace moss {
namespace {

TEST(DbTtlTest, TtlReportsTimeLeftAndPersistDropsIt) {
  auto clock = std::make_shared<manual_time_source>();
  options o;
  o.clock = clock;
  auto d = db::open(o);
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->set("k", "v", with_ttl(10s)));
  clock->advance(4s);
  EXPECT_EQ(**d->ttl("k"), 6s);
  EXPECT_EQ(*d->ttl("missing"), std::nullopt);
  EXPECT_TRUE(*d->persist("k"));
  EXPECT_FALSE(*d->persist("k"));
  EXPECT_EQ(*d->ttl("k"), std::nullopt);
  clock->advance(1h);
  EXPECT_EQ(**d->get("k"), "v");
}

TEST(DbTtlTest, FourThreadsOfSetWithTtlGetAndDelete) {
  auto d = db::open({});
  ASSERT_TRUE(d);
  const auto now_ns = [] {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
  };
  std::atomic<int> stale{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < 4; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < 1500; ++i) {
        std::string key = "t" + std::to_string(t) + "/" + std::to_string(i % 40);
        auto ttl = std::chrono::milliseconds(1 + i % 7);
        ASSERT_TRUE(d->set(key, "v", with_ttl(ttl)));
        int64_t before_read = now_ns();
        auto e = d->entry("t" + std::to_string((t + 1) % 4) + "/" + std::to_string(i % 40));
        ASSERT_TRUE(e);
        if (*e && (*e)->meta.expiry != 0 && (*e)->meta.expiry < before_read)
          ++stale;  // its deadline had passed before the read began
        if (i % 5 == 0)
          (void) d->del(key);
      }
    });
  for (auto& th : pool)
    th.join();
  EXPECT_EQ(stale.load(), 0);
  // Every deadline is at most 7 ms away: give the timer a generous bound.
  for (int i = 0; i < 500 && d->stats()->keys > 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(d->stats()->keys, 0u);
  EXPECT_GT(d->stats()->expired, 0u);
}

} // namespace
} // namespace moss
