// Whole lifetimes of a store against a model (a std::map with metadata): random
// sequences of sets (with and without TTL), deletes, transactions with
// compares, batches with del_prefix, persists, closure transactions, clock
// steps, compactions (also twice in a row and from several threads at once),
// close and reopen, a torn log tail, a damaged log and its repair, and
// SIGKILL of a child process that owns the store. Over both engines and all
// three fsync policies. After every step the store must equal the model:
// every acknowledged commit present, nothing half applied, metadata exact,
// revisions increasing across reopens, expired keys invisible.
//
// Seeds: each sequence prints its MOSS_SEED; MOSS_SEED=N replays it.
// MOSS_LIFETIME_SEQUENCES=N runs N sequences per engine and policy (the
// long run); MOSS_LIFETIME_STEPS=N sets the steps per sequence.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include <moss/db.hpp>

#include "tests/client/kv_model.hpp"
#include "tests/persistence/temp_dir.hpp"
#include "tests/util/child_process.hpp"

using namespace std::chrono_literals;

namespace moss {
namespace {

uint64_t env_number(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : fallback;
}

// -- random requests -------------------------------------------------------------

struct request_gen {
  std::mt19937_64& rng;

  uint64_t below(uint64_t n) { return rng() % n; }
  bool chance(int percent) { return below(100) < static_cast<uint64_t>(percent); }

  std::string key() {
    static const char* prefixes[] = {"a/", "b/", "b/x", "c"};
    return std::string{prefixes[below(4)]} + std::to_string(below(8));
  }
  std::string value() {
    if (chance(3))
      return std::string(20'000 + below(80'000), static_cast<char>('a' + below(26)));
    std::string v(below(12), '\0');
    for (char& c : v)
      c = static_cast<char>(below(256));  // binary, zeros included
    return v;
  }
  std::optional<std::chrono::nanoseconds> ttl() {
    if (!chance(30))
      return std::nullopt;
    return std::chrono::milliseconds{1 + below(50)};
  }

  txn_op write_op() {
    switch (below(10)) {
      case 0: case 1: return txn_op::del(key());
      case 2: return txn_op::persist(key());
      case 3: return txn_op::get(key());
      default: return txn_op::put(key(), value(), ttl());
    }
  }

  compare random_compare(const test::kv_model::state& live) {
    std::string k = key();
    auto it = live.find(k);
    compare c;
    c.key = k;
    c.target = static_cast<compare_target>(below(5));
    c.op = static_cast<compare_op>(below(4));
    bool right = it != live.end() && chance(60);
    switch (c.target) {
      case compare_target::value: c.value = right ? it->second.value : value(); break;
      case compare_target::version: c.number = right ? static_cast<int64_t>(it->second.meta.version) : below(3); break;
      case compare_target::create_rev: c.number = right ? static_cast<int64_t>(it->second.meta.create_rev) : below(5); break;
      case compare_target::mod_rev: c.number = right ? static_cast<int64_t>(it->second.meta.mod_rev) : below(5); break;
      case compare_target::exists: c.number = static_cast<int64_t>(below(2)); break;
    }
    return c;
  }

  /// A transaction: a plain op, a batch (with del_prefix), or compares with branches.
  txn_request txn(const test::kv_model::state& live) {
    txn_request r;
    switch (below(4)) {
      case 0: case 1:
        r.success.push_back(write_op());
        break;
      case 2: {
        size_t n = 2 + below(6);
        for (size_t i = 0; i < n; ++i)
          r.success.push_back(chance(15) ? txn_op::del_prefix(key().substr(0, 1 + below(2))) : write_op());
        break;
      }
      default: {
        size_t c = 1 + below(3);
        for (size_t i = 0; i < c; ++i)
          r.compares.push_back(random_compare(live));
        size_t s = 1 + below(3), f = below(3);
        for (size_t i = 0; i < s; ++i)
          r.success.push_back(write_op());
        for (size_t i = 0; i < f; ++i)
          r.failure.push_back(write_op());
      }
    }
    return r;
  }
};

// -- one lifetime ----------------------------------------------------------------

struct lifetime_params {
  engine_kind engine;
  fsync_policy policy;
};

std::string name_of(const lifetime_params& p) {
  return std::string{to_string(p.engine)} + "_"
         + (p.policy == fsync_policy::always ? "always"
            : p.policy == fsync_policy::every_second ? "every_second" : "never");
}

class lifetime {
public:
  lifetime(lifetime_params p, uint64_t seed) : params_(p), seed_(seed), rng_(seed) {}

  void run(size_t steps) {
    open();
    for (step_ = 0; step_ < steps && !::testing::Test::HasFatalFailure(); ++step_) {
      one_step();
      if (::testing::Test::HasFatalFailure())
        return;
      verify();
    }
    if (db_) {
      ASSERT_TRUE(db_->close()) << where();
    }
  }

  uint64_t steps_run() const { return step_; }

private:
  options opts() const {
    options o;
    o.dir = dir_.path();
    o.engine = params_.engine;
    o.fsync = params_.policy;
    o.shards = 3;
    o.threads = 2;
    o.clock = clock_;
    o.compact_min_bytes = 4096;  // automatic compactions happen too
    o.compact_ratio = 1.0;
    return o;
  }

  std::string where() const {
    return "MOSS_SEED=" + std::to_string(seed_) + " " + name_of(params_) + " step " + std::to_string(step_)
           + " (" + last_step_ + ")";
  }

  void open() {
    auto d = db::open(opts());
    ASSERT_TRUE(d) << where() << ": " << d.error().to_string();
    db_.emplace(std::move(*d));
    auto s = db_->stats();
    ASSERT_TRUE(s);
    ASSERT_GE(s->rev, last_rev_) << where() << ": the revision went back across a reopen";
  }

  void close() {
    ASSERT_TRUE(db_->close()) << where();
    db_.reset();
  }

  // The model as of revision `rev` (after a lost log tail): the state after
  // the last acknowledged commit at or below it.
  void roll_back_to(revision rev) {
    auto it = history_.upper_bound(rev);
    ASSERT_NE(it, history_.begin()) << where();
    --it;
    model_.reset(it->second);
    history_.erase(std::next(it), history_.end());
    last_rev_ = rev;
  }

  void note_commit(revision rev) {
    ASSERT_GT(rev, last_rev_) << where() << ": revisions must increase";
    last_rev_ = rev;
    history_[rev] = model_.entries();
  }

  // One transaction through the facade, checked against the model.
  void commit(const txn_request& req) {
    bool writes = false;
    txn_result want = model_.evaluate(req, clock_->now_ns(), writes);
    auto got = db_->txn(req);
    ASSERT_TRUE(got) << where() << ": " << got.error().to_string();
    ASSERT_EQ(got->succeeded, want.succeeded) << where();
    if (writes) {  // the results of gets after a put carry the commit's revision
      want = model_.apply(req, clock_->now_ns(), got->rev);
      note_commit(got->rev);
    }
    ASSERT_EQ(got->results.size(), want.results.size()) << where();
    for (size_t i = 0; i < want.results.size(); ++i) {
      EXPECT_EQ(got->results[i].found, want.results[i].found) << where() << " op " << i;
      EXPECT_EQ(got->results[i].count, want.results[i].count) << where() << " op " << i;
      if (want.results[i].kind == op_kind::get) {
        EXPECT_EQ(got->results[i].entry, want.results[i].entry) << where() << " op " << i;
      }
    }
  }

  void one_step() {
    request_gen gen{rng_};
    const auto live = model_.live(clock_->now_ns());
    uint64_t pick = gen.below(100);
    if (pick < 55) {
      last_step_ = "txn";
      commit(gen.txn(live));
    } else if (pick < 62) {
      last_step_ = "tx closure";
      std::string a = gen.key(), b = gen.key(), v = gen.value();
      txn_request req;  // what the closure below commits, for the model
      auto st = db_->tx([&](tx& t) {
        auto va = t.get(a);
        auto vb = t.get(b);
        if (!va || !vb)
          return va ? vb.error() : va.error();
        t.set(b, (*va ? **va : std::string{"none"}) + v);
        req = txn_request::of(txn_op::put(b, (*va ? **va : std::string{"none"}) + v));
        return status::ok();
      });
      ASSERT_TRUE(st) << where() << ": " << st.to_string();
      auto e = db_->entry(b);
      ASSERT_TRUE(e && *e) << where();
      model_.apply(req, clock_->now_ns(), (*e)->meta.mod_rev);
      note_commit((*e)->meta.mod_rev);
    } else if (pick < 72) {
      last_step_ = "clock";
      clock_->advance(std::chrono::milliseconds(gen.below(60)));
    } else if (pick < 78) {
      last_step_ = "compact";
      ASSERT_TRUE(db_->compact()) << where();
      if (gen.chance(50)) {
        ASSERT_TRUE(db_->compact()) << where() << " (twice)";
      }
    } else if (pick < 81) {
      last_step_ = "concurrent compactions";
      std::vector<std::thread> ts;
      std::atomic<int> failed{0};
      for (int i = 0; i < 3; ++i)
        ts.emplace_back([&] { failed += db_->compact() ? 0 : 1; });
      commit(gen.txn(live));
      for (auto& t : ts)
        t.join();
      ASSERT_EQ(failed.load(), 0) << where();
    } else if (pick < 88) {
      last_step_ = "reopen";
      close();
      open();
    } else if (pick < 92) {
      last_step_ = "torn tail";
      lose_log_tail(gen);
    } else if (pick < 94) {
      last_step_ = "damage and repair";
      damage_and_repair(gen);
    } else {
      last_step_ = "sigkill";
      crash(gen);
    }
  }

  std::string last_segment() const {
    std::string last;
    for (auto& f : std::filesystem::directory_iterator(dir_.path())) {
      std::string name = f.path().filename();
      if (name.starts_with("wal-") && name.ends_with(".log") && name > last)
        last = name;
    }
    return last.empty() ? last : dir_.file(last);
  }

  // Opens after commits were lost from the log's end: the revision may go
  // back (later commits reuse the lost ones), and the model rolls back to
  // the commits that survived.
  void reopen_after_loss() {
    last_rev_ = 0;
    open();
    if (::testing::Test::HasFatalFailure())
      return;
    roll_back_to(db_->stats()->rev);
  }

  // A power cut: the last segment loses a random tail (acknowledged commits
  // with it). The store must open at a prefix of its commits.
  void lose_log_tail(request_gen& gen) {
    close();
    std::string seg = last_segment();
    if (!seg.empty()) {
      auto size = std::filesystem::file_size(seg);
      std::filesystem::resize_file(seg, size == 0 ? 0 : gen.below(size + 1));
    }
    reopen_after_loss();
  }

  // A flipped byte in the last segment: an open refuses it (or cuts it as a
  // torn tail when it is in the last record); repair keeps the good prefix.
  void damage_and_repair(request_gen& gen) {
    close();
    std::string seg = last_segment();
    auto size = seg.empty() ? 0 : std::filesystem::file_size(seg);
    if (size > 0) {
      std::fstream f(seg, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(gen.below(size)));
      char c = static_cast<char>(gen.below(256));
      f.write(&c, 1);
    }
    auto d = db::open(opts());
    if (!d) {
      ASSERT_EQ(d.error().code(), errc::corruption) << where() << ": " << d.error().to_string();
      auto r = repair(dir_.path());
      ASSERT_TRUE(r) << where() << ": " << r.error().to_string();
    } else {
      ASSERT_TRUE(d->close());
    }
    reopen_after_loss();
  }

  // A child process owns the store and commits random transactions, saying
  // which were acknowledged; it is SIGKILLed at a random moment. Every
  // acknowledged commit must be there after reopen, and the one in flight
  // either whole or not at all.
  void crash(request_gen& gen) {
    // The revision the child starts from: a fresh open on an unmoved clock
    // commits no expiry, so every revision after it is the child's.
    close();
    open();
    if (::testing::Test::HasFatalFailure())
      return;
    if (revision base = db_->stats()->rev; base > last_rev_) {  // expiries the timer committed
      last_rev_ = base;
      history_[base] = model_.entries();
    }
    close();
    const uint64_t child_seed = gen.rng();
    const int64_t now = clock_->now_ns();
    const uint64_t kill_after = gen.below(40);
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    test::child_process child([&] {
      ::close(fds[0]);
      options o = opts();
      o.clock = std::make_shared<manual_time_source>(now);  // frozen: no expiry commits
      auto d = db::open(o);
      if (!d)
        return 3;
      std::mt19937_64 rng(child_seed);
      request_gen g{rng};
      test::kv_model m = model_;  // only to make sensible compares
      for (;;) {
        auto req = g.txn(m.live(now));
        auto r = d->txn(req);
        if (!r)
          return 4;
        revision rev = r->rev;
        if (::write(fds[1], &rev, sizeof rev) != sizeof rev)
          return 5;
        m.apply(req, now, rev);
      }
    });
    ::close(fds[1]);
    // The parent replays the same requests from the same seed.
    std::mt19937_64 rng(child_seed);
    request_gen g{rng};
    auto take_ack = [&](const txn_request& req, revision rev) {
      bool wrote = false;
      model_.apply(req, now, rev, &wrote);
      if (wrote)
        note_commit(rev);
    };
    uint64_t acked = 0;
    revision rev;
    std::optional<txn_request> in_flight;
    while (acked < kill_after) {
      in_flight = g.txn(model_.live(now));
      if (::read(fds[0], &rev, sizeof rev) != sizeof rev)
        break;
      take_ack(*in_flight, rev);
      in_flight.reset();
      ++acked;
    }
    child.kill();
    // Acks written before the kill.
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
    while (::read(fds[0], &rev, sizeof rev) == sizeof rev)
      take_ack(g.txn(model_.live(now)), rev);
    ::close(fds[0]);
    if (!in_flight)
      in_flight = g.txn(model_.live(now));  // the one the child was committing
    open();
    if (::testing::Test::HasFatalFailure())
      return;
    revision after = db_->stats()->rev;
    if (after > last_rev_) {  // the commit in flight made it to the log
      ASSERT_EQ(after, last_rev_ + 1) << where();
      bool writes = false;
      model_.evaluate(*in_flight, now, writes);
      ASSERT_TRUE(writes) << where() << ": a revision appeared that no commit explains";
      model_.apply(*in_flight, now, after);
      note_commit(after);
    }
  }

  void verify() {
    if (!db_)
      return;
    auto all = db_->scan_prefix("");
    ASSERT_TRUE(all) << where();
    auto want = model_.live(clock_->now_ns());
    std::map<std::string, test::kv_model::entry> got;
    for (auto& e : all->entries)
      got.emplace(e.key, test::kv_model::entry{e.value, e.meta});
    if (got != want) {
      for (const auto& [k, e] : want) {
        auto it = got.find(k);
        if (it == got.end())
          ADD_FAILURE() << where() << ": missing " << k << " (mod_rev " << e.meta.mod_rev << ")";
        else if (!(it->second == e))
          ADD_FAILURE() << where() << ": " << k << " differs: value sizes " << it->second.value.size()
                        << "/" << e.value.size() << ", mod_rev " << it->second.meta.mod_rev << "/"
                        << e.meta.mod_rev << ", version " << it->second.meta.version << "/"
                        << e.meta.version << ", create_rev " << it->second.meta.create_rev << "/"
                        << e.meta.create_rev;
      }
      for (const auto& [k, e] : got)
        if (!want.contains(k))
          ADD_FAILURE() << where() << ": unexpected " << k << " (mod_rev " << e.meta.mod_rev << ")";
      FAIL() << where() << ": the store differs from the model";
    }
  }

  lifetime_params params_;
  uint64_t seed_;
  std::mt19937_64 rng_;
  test::temp_dir dir_;
  std::shared_ptr<manual_time_source> clock_ = std::make_shared<manual_time_source>();
  std::optional<db> db_;
  test::kv_model model_;
  std::map<revision, test::kv_model::state> history_{{0, {}}};
  revision last_rev_ = 0;
  size_t step_ = 0;
  std::string last_step_;
};

class LifetimeModelTest : public ::testing::TestWithParam<lifetime_params> {};

TEST_P(LifetimeModelTest, RandomLifetimesMatchTheModel) {
  const uint64_t sequences = env_number("MOSS_LIFETIME_SEQUENCES", 2);
  const uint64_t steps = env_number("MOSS_LIFETIME_STEPS", 120);
  const char* fixed = std::getenv("MOSS_SEED");
  uint64_t total_steps = 0;
  for (uint64_t i = 0; i < sequences && !HasFailure(); ++i) {
    uint64_t seed = fixed != nullptr ? std::strtoull(fixed, nullptr, 10) : std::random_device{}();
    std::cout << "[ seed ] MOSS_SEED=" << seed << " " << name_of(GetParam()) << "\n";
    lifetime life{GetParam(), seed};
    life.run(steps);
    total_steps += life.steps_run();
    if (fixed != nullptr)
      break;
  }
  std::cout << "[ lifetimes ] " << name_of(GetParam()) << ": " << sequences << " sequences, "
            << total_steps << " steps\n";
}

INSTANTIATE_TEST_SUITE_P(
  EnginesAndPolicies, LifetimeModelTest,
  ::testing::Values(lifetime_params{engine_kind::hash, fsync_policy::always},
                    lifetime_params{engine_kind::hash, fsync_policy::every_second},
                    lifetime_params{engine_kind::hash, fsync_policy::never},
                    lifetime_params{engine_kind::radix, fsync_policy::always},
                    lifetime_params{engine_kind::radix, fsync_policy::every_second},
                    lifetime_params{engine_kind::radix, fsync_policy::never}),
  [](const auto& info) { return name_of(info.param); });

} // namespace
} // namespace moss
