// Concurrent writers and watchers on overlapping keys, prefixes and ranges,
// checked against a model: every watcher's sequence of events equals the
// model's history filtered by what it watches, from its start revision,
// exactly once and in order, also for a slow watcher that overflows and
// resumes from the revision it reached. MOSS_SEED replays a run.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include <moss/db.hpp>

using namespace std::chrono_literals;
using namespace std::string_literals;

namespace moss {
namespace {

uint64_t seed_from_env() {
  uint64_t seed = std::random_device{}();
  if (const char* s = std::getenv("MOSS_SEED"))
    seed = std::strtoull(s, nullptr, 10);
  std::printf("MOSS_SEED=%llu\n", static_cast<unsigned long long>(seed));
  return seed;
}

// The model's own idea of what a watch covers (independent of the index).
bool in_scope(const watch_request& r, const std::string& key) {
  switch (r.scope) {
    case watch_scope::key: return key == r.key;
    case watch_scope::prefix: return key.compare(0, r.key.size(), r.key) == 0;
    case watch_scope::range: return key >= r.key && (r.range_end.empty() || key < r.range_end);
  }
  return false;
}

std::string show(const watch_event& ev, bool with_prev) {
  static const char* names[] = {"create", "update", "del", "expire", "progress"};
  std::string out = std::string{names[static_cast<int>(ev.kind)]} + " " + ev.key + "=" + ev.value
                    + " @" + std::to_string(ev.rev);
  if (with_prev && ev.has_prev)
    out += " (prev " + ev.prev_value + ")";
  return out;
}

struct committed {
  revision rev;
  std::vector<txn_op> ops;
};

// 1-3 random puts, deletes and prefix deletes on keys of `pool`.
txn_request random_pool_txn(std::mt19937_64& rng, const std::vector<std::string>& pool) {
  txn_request req;
  for (int n = 1 + static_cast<int>(rng() % 3); n > 0; --n) {
    const std::string& key = pool[rng() % pool.size()];
    switch (rng() % 6) {
      case 0: req.success.push_back(txn_op::del(key)); break;
      case 1: req.success.push_back(txn_op::del_prefix(key.substr(0, 1))); break;
      default: req.success.push_back(txn_op::put(key, std::to_string(rng() % 1000)));
    }
  }
  return req;
}

// Whether the committed `req` changed something (and so took a revision).
bool wrote_something(const txn_request& req, const txn_result& r) {
  for (size_t k = 0; k < req.success.size(); ++k)
    if (req.success[k].kind == op_kind::put || r.results[k].count > 0)
      return true;
  return false;
}

// The events the log (in revision order) implies: puts as create or update,
// deletes and prefix deletes of live keys, each with the previous value.
std::vector<watch_event> model_history(const std::vector<committed>& log) {
  std::map<std::string, std::string> state;
  std::vector<watch_event> history;
  auto emit = [&](event_kind kind, revision rev, const std::string& key, std::string value,
                  std::optional<std::string> prev) {
    watch_event ev;
    ev.kind = kind;
    ev.rev = rev;
    ev.key = key;
    ev.value = std::move(value);
    ev.has_prev = prev.has_value();
    ev.prev_value = prev.value_or("");
    history.push_back(std::move(ev));
  };
  for (const committed& c : log) {
    for (const txn_op& op : c.ops) {
      auto it = state.find(op.key);
      std::optional<std::string> prev;
      if (it != state.end())
        prev = it->second;
      if (op.kind == op_kind::put) {
        emit(prev ? event_kind::update : event_kind::create, c.rev, op.key, op.value, prev);
        state[op.key] = op.value;
      } else if (op.kind == op_kind::del && prev) {
        emit(event_kind::del, c.rev, op.key, {}, prev);
        state.erase(it);
      } else if (op.kind == op_kind::del_prefix) {
        for (auto p = state.lower_bound(op.key); p != state.end() && p->first.starts_with(op.key);) {
          emit(event_kind::del, c.rev, p->first, {}, p->second);
          p = state.erase(p);
        }
      }
    }
  }
  return history;
}

// One watcher and what it received, across resumes.
struct watcher {
  watch_request req;
  std::vector<std::string> got = {};
  int resumes = 0;
};

TEST(WatchModelTest, ConcurrentWritersAndWatchersMatchTheModel) {
  std::mt19937_64 seeder(seed_from_env());
  options opts;
  opts.shards = 3;
  opts.threads = 2;
  auto opened = db::open(opts);
  ASSERT_TRUE(opened);
  db& d = *opened;
  const std::vector<std::string> pool = {"a", "a/1", "a/2", "ab", "a\0x"s, "b/1", "b/2", "c"};

  // 1. Watchers before the writers start: keys, prefixes, ranges, filters,
  //    previous values; one with a tiny queue and a slow reader.
  std::vector<watcher> ws;
  ws.reserve(8);  // readers hold references into it
  auto with = [](watch_request r, watch_filter kinds, bool prev, uint32_t limit) {
    r.kinds = kinds;
    r.prev_value = prev;
    r.queue_limit = limit;
    r.progress_ms = 5;
    return r;
  };
  ws.push_back({with(watch_request::for_prefix("a"), watch_filter::all, true, 0)});
  ws.push_back({with(watch_request::for_prefix("a/"), watch_filter::puts, false, 0)});
  ws.push_back({with(watch_request::for_key("a/1"), watch_filter::all, true, 0)});
  ws.push_back({with(watch_request::for_range("a/2", "b/2"), watch_filter::deletes, true, 0)});
  ws.push_back({with(watch_request::for_prefix(""), watch_filter::all, true, 16)});  // slow
  std::atomic<revision> final_rev{0};
  std::vector<std::thread> readers;
  for (size_t i = 0; i < ws.size(); ++i) {
    auto stream = std::make_shared<watch_stream>(d.watch(ws[i].req));
    ASSERT_TRUE(stream->error()) << stream->error().to_string();
    ws[i].req.start_rev = stream->start_revision();
    readers.emplace_back([&, i, stream]() mutable {
      watcher& w = ws[i];
      std::mt19937_64 rng(i);
      for (;;) {
        auto ev = stream->next(20ms);
        if (ev && ev->kind != event_kind::progress)
          w.got.push_back(show(*ev, w.req.prev_value));
        if (i == 4 && rng() % 4 == 0)
          std::this_thread::yield();  // the slow one
        if (!ev && stream->done()) {
          ASSERT_EQ(stream->error().code(), errc::overflow) << stream->error().to_string();
          watch_request again = w.req;
          again.start_rev = stream->reached() + 1;
          *stream = d.watch(again);  // (it may overflow again at once: the loop copes)
          ++w.resumes;
          continue;
        }
        revision f = final_rev.load();
        if (f != 0 && stream->reached() >= f)
          return;
      }
    });
  }

  // 2. Two writers: puts, deletes, prefix deletes, multi-op transactions.
  std::mutex mu;
  std::vector<committed> log;
  std::vector<std::thread> writers;
  for (int t = 0; t < 2; ++t) {
    writers.emplace_back([&, seed = seeder()] {
      std::mt19937_64 rng(seed);
      for (int i = 0; i < 1500; ++i) {
        txn_request req = random_pool_txn(rng, pool);
        auto r = d.txn(req);
        ASSERT_TRUE(r) << r.error().to_string();
        if (wrote_something(req, *r)) {
          std::lock_guard lk(mu);
          log.push_back({r->rev, req.success});
        }
      }
    });
  }
  for (auto& t : writers)
    t.join();

  // 3. The model: the log in revision order (gap-free), applied to a map.
  std::sort(log.begin(), log.end(), [](auto& a, auto& b) { return a.rev < b.rev; });
  for (size_t i = 0; i < log.size(); ++i)
    ASSERT_EQ(log[i].rev, i + 1);
  final_rev = log.back().rev;
  // A watcher that starts now, in the past, replays from the history.
  ws.push_back({with(watch_request::for_prefix("b"), watch_filter::all, true, 0)});
  ws.back().req.start_rev = log.size() / 2;
  {
    auto late = d.watch(ws.back().req);
    for (auto ev = late.next(10s); ev; ev = late.next(10s)) {
      if (ev->kind != event_kind::progress)
        ws.back().got.push_back(show(*ev, true));
      if (late.reached() >= final_rev)
        break;
    }
  }
  for (auto& t : readers)
    t.join();

  const std::vector<watch_event> history = model_history(log);
  for (const watcher& w : ws) {
    std::vector<std::string> expected;
    for (const watch_event& ev : history)
      if (ev.rev >= w.req.start_rev && in_scope(w.req, ev.key) && wants(w.req.kinds, ev.kind))
        expected.push_back(show(ev, w.req.prev_value));
    size_t same = 0;
    while (same < std::min(w.got.size(), expected.size()) && w.got[same] == expected[same])
      ++same;
    EXPECT_TRUE(same == w.got.size() && same == expected.size())
      << "watch of '" << w.req.key << "' scope " << static_cast<int>(w.req.scope) << " from "
      << w.req.start_rev << ": got " << w.got.size() << " events, expected " << expected.size()
      << "; first difference at " << same << ": got '"
      << (same < w.got.size() ? w.got[same] : "-") << "', expected '"
      << (same < expected.size() ? expected[same] : "-") << "'";
  }
  std::printf("%zu commits, slow watcher resumed %d times\n", log.size(), ws[4].resumes);
}

// Issue 14: a reader that stops at random points (cancel, or dropping the
// stream) and resumes from reached() + 1, through bursts of TTL expiries,
// puts, deletes and prefix deletes. reached() counts whole commits, so the
// reader keeps what it consumed up to reached() (events of a commit it
// stopped inside come again, whole). The concatenation must equal the model
// exactly: every put and delete as the writer's log says, every TTL key's
// expiry exactly once and after its put, revisions never going back.
TEST(WatchModelTest, AResumeLoopThroughBurstsEqualsTheModelExactly) {
  const uint64_t base = seed_from_env();
  for (uint64_t round = 0; round < 4; ++round) {
    const uint64_t seed = base + round;
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    options opts;
    opts.shards = 3;
    opts.threads = 2;
    auto opened = db::open(opts);
    ASSERT_TRUE(opened);
    db& d = *opened;
    const std::vector<std::string> pool = {"a", "a/1", "a/2", "ab", "b/1", "b/2"};
    std::vector<committed> log;
    std::map<std::string, revision> ttl_keys;  // key -> the revision that set it
    std::atomic<bool> writer_done{false};
    std::thread writer([&] {
      std::mt19937_64 wr(seed * 7 + 1);
      int next_ttl = 0;
      for (int i = 0; i < 600; ++i) {
        txn_request req;
        if (wr() % 8 == 0) {  // a burst: hundreds of keys that expire together
          for (int n = 50 + static_cast<int>(wr() % 400); n > 0; --n)
            req.success.push_back(txn_op::put("t/" + std::to_string(next_ttl++), "x",
                                              std::chrono::nanoseconds(20ms + (wr() % 5) * 10ms)));
        } else {
          req = random_pool_txn(wr, pool);
        }
        auto r = d.txn(req);
        ASSERT_TRUE(r) << r.error().to_string();
        if (wrote_something(req, *r))
          log.push_back({r->rev, req.success});
        for (const txn_op& op : req.success)
          if (op.key.starts_with("t/"))
            ttl_keys[op.key] = r->rev;
      }
      writer_done = true;
    });
    // The reader: stops after a random number of events, resumes.
    std::vector<watch_event> got;
    revision from = 1;
    int resumes = 0;
    bool joined = false;
    for (;;) {
      auto w = d.watch_prefix("", {.start_rev = from, .queue_limit = static_cast<uint32_t>(16 + rng() % 512)});
      ASSERT_TRUE(w.error()) << w.error().to_string();
      for (size_t n = 1 + rng() % 2000; n > 0; --n) {
        auto ev = w.next(100ms);
        if (!ev) {
          ASSERT_FALSE(w.done()) << w.error().to_string();
          break;
        }
        got.push_back(*ev);
      }
      // Keep what came up to reached(): a commit stopped inside comes again.
      const revision reached = w.reached();
      while (!got.empty() && got.back().rev > reached)
        got.pop_back();
      from = reached + 1;
      if (rng() % 2)
        w.cancel();  // else the destructor cancels
      ++resumes;
      if (!joined && writer_done) {
        writer.join();
        joined = true;
      }
      if (joined) {
        const auto expiries = std::count_if(got.begin(), got.end(), [](const watch_event& e) {
          return e.kind == event_kind::expire;
        });
        revision last_write = 0;
        for (const committed& c : log)
          last_write = std::max(last_write, c.rev);
        if (static_cast<size_t>(expiries) >= ttl_keys.size() && reached >= last_write)
          break;
      }
    }
    // The model of puts and deletes, from the writer's log (TTL keys are
    // never written again, so their expiries change nothing it derives).
    std::sort(log.begin(), log.end(), [](auto& a, auto& b) { return a.rev < b.rev; });
    std::vector<std::string> expected;
    for (const watch_event& ev : model_history(log))
      expected.push_back(show(ev, false));
    std::vector<std::string> changes;
    std::map<std::string, int> expired;
    revision last = 0;
    for (const watch_event& ev : got) {
      ASSERT_GE(ev.rev, last) << "revisions went back";
      last = ev.rev;
      if (ev.kind == event_kind::expire) {
        ++expired[ev.key];
        ASSERT_TRUE(ttl_keys.contains(ev.key)) << ev.key;
        ASSERT_GT(ev.rev, ttl_keys[ev.key]) << ev.key << " expired before it was set";
      } else if (ev.kind != event_kind::progress) {
        changes.push_back(show(ev, false));
      }
    }
    ASSERT_EQ(changes.size(), expected.size());
    for (size_t k = 0; k < changes.size(); ++k)
      ASSERT_EQ(changes[k], expected[k]) << "at " << k;
    ASSERT_EQ(expired.size(), ttl_keys.size());
    for (const auto& [key, n] : expired)
      ASSERT_EQ(n, 1) << key << " expired " << n << " times";
    std::printf("seed %llu: %zu commits, %zu TTL keys, %d resumes\n", static_cast<unsigned long long>(seed),
                log.size(), ttl_keys.size(), resumes);
  }
}

} // namespace
} // namespace moss
